// Reads a BACnet device with @bacnet-js/client, an implementation independent of bacnet4j, and prints what it
// found as one JSON line; used to check the gateway's own BACnet device and the simulator from outside.
//
//   node read-device.js --port 47810 --target 127.0.0.1:47808 --instance 4194001
//
// It reads the device object's name, vendor and max APDU, tries to rename the device (a gateway must refuse),
// and, when the device has analog-input:1, reads its present value.
'use strict';

const bacnet = require('@bacnet-js/client');
const Bacnet = bacnet.default;
const { ObjectType: O, PropertyIdentifier: P, ApplicationTag: T } = bacnet;

function arg(name) {
  const i = process.argv.indexOf('--' + name);
  if (i < 0) {
    throw new Error('missing --' + name);
  }
  return process.argv[i + 1];
}

async function main() {
  const client = new Bacnet({ port: Number(arg('port')), interface: '127.0.0.1', broadcastAddress: '127.0.0.1',
    apduTimeout: 3000 });
  const target = { address: arg('target') };
  const device = { type: O.DEVICE, instance: Number(arg('instance')) };
  const result = {};
  try {
    const read = async (objectId, property) => (await client.readProperty(target, objectId, property)).values[0].value;
    result.name = await read(device, P.OBJECT_NAME);
    result.maxApdu = await read(device, P.MAX_APDU_LENGTH_ACCEPTED);
    const multiple = await client.readPropertyMultiple(target, [
      { objectId: device, properties: [{ id: P.VENDOR_IDENTIFIER, index: 0xFFFFFFFF }, { id: P.OBJECT_LIST, index: 0xFFFFFFFF }] },
    ]);
    result.objects = multiple.values[0].values.find((v) => v.id === P.OBJECT_LIST).value.length;
    try {
      await client.writeProperty(target, device, P.OBJECT_NAME, [{ type: T.CHARACTER_STRING, value: 'hijacked' }],
        { priority: 16 });
      result.rename = 'accepted';
    } catch (e) {
      result.rename = 'refused: ' + e.message;
    }
    try {
      result.analogInput1 = await read({ type: O.ANALOG_INPUT, instance: 1 }, P.PRESENT_VALUE);
    } catch (e) {
      result.analogInput1 = 'error: ' + e.message;
    }
  } catch (e) {
    result.error = e.message;
  }
  process.stdout.write(JSON.stringify(result) + '\n');
  client.close();
}

main();
