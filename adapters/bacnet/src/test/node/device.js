// An independent BACnet/IP device for the adapter's tests, built on @bacnet-js/client (not bacnet4j), so that the
// adapter is checked against a second implementation of the protocol.
//
//   node device.js --port 47809 --instance 5005
//
// Objects: device:<instance>, analog-input:1 "outside-air" (12.5 °C), binary-output:1 "pump" (commandable, with a
// priority array), multi-state-value:1 "season" (2). It answers Who-Is, ReadProperty, ReadPropertyMultiple,
// WriteProperty (with priorities and NULL to relinquish) and SubscribeCOV (unconfirmed notifications). It has no
// time-of-device-restart, like many small controllers.
//
// stdout: one JSON object per line: {"event":"ready"}, {"event":"write",...}, {"event":"subscribe",...},
// {"event":"rpm","properties":N}. Once someone subscribes to analog-input:1, its value moves to 14.25 a moment
// later, so that a test sees a change arrive by COV notification.
'use strict';

const bacnet = require('@bacnet-js/client');
const Bacnet = bacnet.default;
const { ApplicationTag: T, ObjectType: O, PropertyIdentifier: P, ErrorClass, ErrorCode, Segmentation } = bacnet;

function arg(name, fallback) {
  const i = process.argv.indexOf('--' + name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const port = Number(arg('port', 47808));
const instance = Number(arg('instance', 5005));
const client = new Bacnet({ port, interface: '127.0.0.1', broadcastAddress: '127.0.0.1', apduTimeout: 2000 });

function emit(event) {
  process.stdout.write(JSON.stringify(event) + '\n');
}

// Bit numbers of BACnetServicesSupported: subscribeCOV 5, readProperty 12, readPropertyMultiple 14,
// writeProperty 15, i-Am 26, who-Is 34.
function servicesSupported() {
  const bytes = new Array(7).fill(0);
  for (const bit of [5, 12, 14, 15, 26, 34]) {
    bytes[bit >> 3] |= 1 << (bit & 7);
  }
  return { bitsUsed: 49, value: bytes };
}

const statusFlags = { bitsUsed: 4, value: [0] };
const key = (type, inst) => `${type}:${inst}`;
const objects = new Map();

objects.set(key(O.DEVICE, instance), {
  [P.OBJECT_IDENTIFIER]: [{ type: T.OBJECTIDENTIFIER, value: { type: O.DEVICE, instance } }],
  [P.OBJECT_NAME]: [{ type: T.CHARACTER_STRING, value: 'js-controller' }],
  [P.OBJECT_TYPE]: [{ type: T.ENUMERATED, value: O.DEVICE }],
  [P.PROTOCOL_SERVICES_SUPPORTED]: [{ type: T.BIT_STRING, value: servicesSupported() }],
  [P.MAX_APDU_LENGTH_ACCEPTED]: [{ type: T.UNSIGNED_INTEGER, value: 1476 }],
  [P.SEGMENTATION_SUPPORTED]: [{ type: T.ENUMERATED, value: Segmentation.NO_SEGMENTATION }],
  [P.VENDOR_IDENTIFIER]: [{ type: T.UNSIGNED_INTEGER, value: 999 }],
});
objects.set(key(O.ANALOG_INPUT, 1), {
  [P.OBJECT_NAME]: [{ type: T.CHARACTER_STRING, value: 'outside-air' }],
  [P.PRESENT_VALUE]: [{ type: T.REAL, value: 12.5 }],
  [P.STATUS_FLAGS]: [{ type: T.BIT_STRING, value: statusFlags }],
  [P.UNITS]: [{ type: T.ENUMERATED, value: 62 }],
});
const pumpPriorities = new Array(16).fill(null);
objects.set(key(O.BINARY_OUTPUT, 1), {
  [P.OBJECT_NAME]: [{ type: T.CHARACTER_STRING, value: 'pump' }],
  [P.PRESENT_VALUE]: [{ type: T.ENUMERATED, value: 0 }],
  [P.STATUS_FLAGS]: [{ type: T.BIT_STRING, value: statusFlags }],
  [P.RELINQUISH_DEFAULT]: [{ type: T.ENUMERATED, value: 0 }],
});
objects.set(key(O.MULTI_STATE_VALUE, 1), {
  [P.OBJECT_NAME]: [{ type: T.CHARACTER_STRING, value: 'season' }],
  [P.PRESENT_VALUE]: [{ type: T.UNSIGNED_INTEGER, value: 2 }],
  [P.STATUS_FLAGS]: [{ type: T.BIT_STRING, value: statusFlags }],
});
objects.get(key(O.DEVICE, instance))[P.OBJECT_LIST] = [...objects.keys()].map((k) => {
  const [type, inst] = k.split(':').map(Number);
  return { type: T.OBJECTIDENTIFIER, value: { type, instance: inst } };
});

const subscriptions = [];

function lookup(objectId, propertyId) {
  const object = objects.get(key(objectId.type, objectId.instance));
  if (!object) {
    return { error: { errorClass: ErrorClass.OBJECT, errorCode: ErrorCode.UNKNOWN_OBJECT } };
  }
  const value = object[propertyId];
  if (!value) {
    return { error: { errorClass: ErrorClass.PROPERTY, errorCode: ErrorCode.UNKNOWN_PROPERTY } };
  }
  return { value };
}

function notify(objectId) {
  const object = objects.get(key(objectId.type, objectId.instance));
  for (const s of subscriptions) {
    if (s.objectId.type === objectId.type && s.objectId.instance === objectId.instance) {
      client.unconfirmedCOVNotification(s.receiver, s.processId, instance, objectId, s.lifetime, [
        { property: { id: P.PRESENT_VALUE }, value: object[P.PRESENT_VALUE] },
        { property: { id: P.STATUS_FLAGS }, value: object[P.STATUS_FLAGS] },
      ]);
    }
  }
}

client.on('whoIs', (content) => {
  const low = content.payload.lowLimit;
  const high = content.payload.highLimit;
  if (low === undefined || (instance >= low && instance <= high)) {
    client.iAmResponse(content.header.sender, instance, Segmentation.NO_SEGMENTATION, 999);
  }
});

client.on('readProperty', (content) => {
  const { objectId, property } = content.payload;
  const found = lookup(objectId, property.id);
  if (found.error) {
    client.errorResponse(content.header.sender, content.service, content.invokeId, found.error.errorClass, found.error.errorCode);
  } else {
    client.readPropertyResponse(content.header.sender, content.invokeId, objectId, property, found.value);
  }
});

client.on('readPropertyMultiple', (content) => {
  let count = 0;
  const values = content.payload.properties.map((spec) => ({
    objectId: spec.objectId,
    values: spec.properties.map((p) => {
      count++;
      const found = lookup(spec.objectId, p.id);
      return {
        property: { id: p.id, index: p.index },
        value: found.error ? [{ type: T.ERROR, value: { type: 'BacnetError', ...found.error } }] : found.value,
      };
    }),
  }));
  emit({ event: 'rpm', properties: count });
  client.readPropertyMultipleResponse(content.header.sender, content.invokeId, values);
});

client.on('writeProperty', (content) => {
  const { objectId, value } = content.payload;
  const isPump = objectId.type === O.BINARY_OUTPUT && objectId.instance === 1 && value.property.id === P.PRESENT_VALUE;
  if (!isPump) {
    client.errorResponse(content.header.sender, content.service, content.invokeId, ErrorClass.PROPERTY,
      ErrorCode.WRITE_ACCESS_DENIED);
    return;
  }
  const priority = value.priority || 16;
  const written = value.value[0];
  pumpPriorities[priority - 1] = written.type === T.NULL ? null : written.value;
  const pump = objects.get(key(O.BINARY_OUTPUT, 1));
  const active = pumpPriorities.find((v) => v !== null);
  pump[P.PRESENT_VALUE] = [{ type: T.ENUMERATED, value: active === undefined ? 0 : active }];
  emit({ event: 'write', object: 'binary-output:1', priority, value: written.type === T.NULL ? null : written.value });
  client.simpleAckResponse(content.header.sender, content.service, content.invokeId);
  notify(objectId);
});

client.on('subscribeCov', (content) => {
  const p = content.payload;
  const index = subscriptions.findIndex((s) => s.processId === p.subscriberProcessId
    && s.objectId.type === p.monitoredObjectId.type && s.objectId.instance === p.monitoredObjectId.instance);
  if (index >= 0) {
    subscriptions.splice(index, 1);
  }
  const cancel = p.lifetime === undefined && p.issueConfirmedNotifications === undefined;
  if (!cancel) {
    subscriptions.push({ receiver: content.header.sender, processId: p.subscriberProcessId, objectId: p.monitoredObjectId,
      lifetime: p.lifetime || 0 });
  }
  emit({ event: cancel ? 'unsubscribe' : 'subscribe', object: `${p.monitoredObjectId.type}:${p.monitoredObjectId.instance}`,
    lifetime: p.lifetime, confirmed: p.issueConfirmedNotifications });
  client.simpleAckResponse(content.header.sender, content.service, content.invokeId);
  if (!cancel) {
    notify(p.monitoredObjectId);
  }
  if (!cancel && p.monitoredObjectId.type === O.ANALOG_INPUT && p.monitoredObjectId.instance === 1) {
    setTimeout(() => {
      objects.get(key(O.ANALOG_INPUT, 1))[P.PRESENT_VALUE] = [{ type: T.REAL, value: 14.25 }];
      emit({ event: 'set', object: 'analog-input:1', value: 14.25 });
      notify(p.monitoredObjectId);
    }, 300);
  }
});

client.on('error', (e) => emit({ event: 'error', message: String(e && e.message) }));
client.on('listening', () => emit({ event: 'ready', port, instance }));

