// An independent OPC UA server (node-opcua) for the Outpost adapter tests.
//   node server.js PORT PKI_DIR
// Serves opc.tcp://127.0.0.1:PORT/outpost with every security policy the gateway supports (Sign and
// SignAndEncrypt) and None, anonymous and user "operator"/"s3cret" logins, and prints
// "listening on URL cert FILE" when ready. Nodes (namespace urn:outpost:node-peer):
//   Boiler/Temperature  Double, moves every 100 ms        Boiler/Setpoint  Double, writable
//   Boiler/Level        AnalogItem (EURange 0..100), climbs 0.5 every 50 ms, for percent deadbands
//   Boiler/Counter      UInt32, +1 every 100 ms           Boiler/Array     Int32[] [1, 2, 3]
//   Boiler/Sensor       always Bad_SensorFailure          Boiler/Stale     7.0 with Uncertain_LastUsableValue
const path = require("path");
const { OPCUAServer } = require("node-opcua-server");
const { Variant, DataType } = require("node-opcua-variant");
const { StatusCodes } = require("node-opcua-status-code");
const { DataValue } = require("node-opcua-data-value");
const { SecurityPolicy, MessageSecurityMode } = require("node-opcua-secure-channel");
const { OPCUACertificateManager } = require("node-opcua-certificate-manager");

const port = parseInt(process.argv[2], 10);
const pki = process.argv[3];

async function main() {
  const serverCertificateManager = new OPCUACertificateManager({
    rootFolder: path.join(pki, "server-pki"),
    automaticallyAcceptUnknownCertificate: true,
  });
  await serverCertificateManager.initialize();
  const server = new OPCUAServer({
    port,
    hostname: "127.0.0.1",
    resourcePath: "/outpost",
    serverCertificateManager,
    securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256, SecurityPolicy.Aes128_Sha256_RsaOaep,
      SecurityPolicy.Aes256_Sha256_RsaPss],
    securityModes: [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt],
    allowAnonymous: true,
    userManager: { isValidUser: (user, password) => user === "operator" && password === "s3cret" },
  });
  await server.initialize();
  const space = server.engine.addressSpace;
  const ns = space.registerNamespace("urn:outpost:node-peer");
  const boiler = ns.addFolder(space.rootFolder.objects, { browseName: "Boiler", nodeId: "s=Boiler" });

  let t = 0;
  let temperature = 60;
  let counter = 0;
  let level = 0;
  let setpoint = 65;
  ns.addVariable({ componentOf: boiler, browseName: "Temperature", nodeId: "s=Boiler/Temperature",
    dataType: "Double", minimumSamplingInterval: 50,
    value: { get: () => new Variant({ dataType: DataType.Double, value: temperature }) } });
  ns.addVariable({ componentOf: boiler, browseName: "Setpoint", nodeId: "s=Boiler/Setpoint", dataType: "Double",
    minimumSamplingInterval: 50,
    value: {
      get: () => new Variant({ dataType: DataType.Double, value: setpoint }),
      set: (v) => { setpoint = v.value; return StatusCodes.Good; },
    } });
  ns.addVariable({ componentOf: boiler, browseName: "Counter", nodeId: "s=Boiler/Counter", dataType: "UInt32",
    minimumSamplingInterval: 50,
    value: { get: () => new Variant({ dataType: DataType.UInt32, value: counter }) } });
  ns.addVariable({ componentOf: boiler, browseName: "Array", nodeId: "s=Boiler/Array", dataType: "Int32",
    valueRank: 1, arrayDimensions: [3],
    value: new Variant({ dataType: DataType.Int32, arrayType: 1, value: [1, 2, 3] }) });
  ns.addVariable({ componentOf: boiler, browseName: "Sensor", nodeId: "s=Boiler/Sensor", dataType: "Double",
    minimumSamplingInterval: 50,
    value: { timestamped_get: () => new DataValue({ statusCode: StatusCodes.BadSensorFailure,
      sourceTimestamp: new Date() }) } });
  ns.addVariable({ componentOf: boiler, browseName: "Stale", nodeId: "s=Boiler/Stale", dataType: "Double",
    minimumSamplingInterval: 50,
    value: { timestamped_get: () => new DataValue({ value: new Variant({ dataType: DataType.Double, value: 7.0 }),
      statusCode: StatusCodes.UncertainLastUsableValue, sourceTimestamp: new Date() }) } });
  const levelNode = ns.addAnalogDataItem({ componentOf: boiler, browseName: "Level", nodeId: "s=Boiler/Level",
    dataType: "Double", engineeringUnitsRange: { low: 0, high: 100 }, minimumSamplingInterval: 10,
    value: new Variant({ dataType: DataType.Double, value: 0 }) });

  setInterval(() => {
    t += 1;
    temperature = Math.round((60 + 5 * Math.sin(t / 10)) * 100) / 100;
    counter += 1;
  }, 100);
  setInterval(() => {
    level = level >= 100 ? 0 : Math.round((level + 0.5) * 10) / 10;
    levelNode.setValueFromSource(new Variant({ dataType: DataType.Double, value: level }));
  }, 50);

  await server.start();
  console.log("listening on " + server.getEndpointUrl().replace("localhost", "127.0.0.1") + " cert "
    + server.certificateFile);
  const stop = () => server.shutdown(0).then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e) => { console.error("node-opcua server failed: " + (e.stack || e)); process.exit(1); });
