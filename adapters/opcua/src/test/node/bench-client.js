// The peer side of the OPC UA throughput benchmark: a node-opcua client subscribing to the same nodes as the
// gateway, counting the value changes it receives.
//   node bench-client.js URL COUNT WARMUP_S MEASURE_S
// Prints one JSON line: {"changesPerSecond":..,"cpuCores":..,"rssMiB":..,"heapUsedMiB":..}
const { OPCUAClient, ClientSubscription, TimestampsToReturn, AttributeIds, MessageSecurityMode, SecurityPolicy }
  = require("node-opcua-client");

const [url, countText, warmupText, measureText] = process.argv.slice(2);
const count = parseInt(countText, 10);

async function main() {
  const client = OPCUAClient.create({ endpointMustExist: false, securityMode: MessageSecurityMode.None,
    securityPolicy: SecurityPolicy.None, keepSessionAlive: true });
  await client.connect(url);
  const session = await client.createSession();
  await session.readNamespaceArray();
  const subscription = ClientSubscription.create(session, { requestedPublishingInterval: 500,
    requestedMaxKeepAliveCount: 20, requestedLifetimeCount: 200, maxNotificationsPerPublish: 0,
    publishingEnabled: true, priority: 0 });
  const items = [];
  for (let i = 0; i < count; i++) {
    items.push({ nodeId: "ns=" + session.getNamespaceIndex("urn:outpost:simulator") + ";s=Bench/"
      + String(i).padStart(5, "0"), attributeId: AttributeIds.Value });
  }
  let changes = 0;
  const group = await subscription.monitorItems(items, { samplingInterval: 100, queueSize: 5, discardOldest: true },
    TimestampsToReturn.Both);
  group.on("changed", () => { changes += 1; });
  await new Promise((r) => setTimeout(r, parseFloat(warmupText) * 1000));
  const startChanges = changes;
  const startCpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  let rss = 0;
  let heap = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  }, 1000);
  await new Promise((r) => setTimeout(r, parseFloat(measureText) * 1000));
  clearInterval(sampler);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(startCpu);
  console.log(JSON.stringify({ changesPerSecond: (changes - startChanges) / seconds,
    cpuCores: (cpu.user + cpu.system) / 1e6 / seconds, rssMiB: rss / 1048576, heapUsedMiB: heap / 1048576 }));
  await subscription.terminate();
  await session.close();
  await client.disconnect();
  process.exit(0);
}

main().catch((e) => { console.error("bench client failed: " + (e.stack || e)); process.exit(1); });
