// An overload an MQTT broker cannot keep up with, driven by MQTT.js (an implementation independent of Outpost's),
// measured on both sides: what the broker acknowledged to its publishers and what it delivered to its subscribers.
//
//   node overload.mjs --port 1883 --mode fanin  [--publishers 20] [--window 20] [--qos 1] [--duration 10] [--warmup 3]
//   node overload.mjs --port 1883 --mode fanout [--subscribers 20] [--window 20] ...
//
// fanin: 20 publishers on bench/p<i>, each keeping 20 QoS 1 messages unacknowledged (a new one per PUBACK, so they
// go as fast as the broker acknowledges), one subscriber on bench/#. fanout: one such publisher, 20 subscribers on
// its topic. Publishers and subscribers run in two processes; each payload carries the publish instant on the
// machine's monotonic clock (process.hrtime, CLOCK_MONOTONIC, shared by both). A broker that acknowledges faster
// than it delivers queues the difference: its latency grows and "behind" (published x subscribers - delivered,
// when publishing stops) is the queue it built. "lost": never delivered within 30 s after that. Prints one line:
//
//   RESULT <label> <mode> qos=<q> acked/s=<a> delivered/s=<d> p50ms=<x> p99ms=<y> maxms=<z> behind=<n> lost=<m>
import { fork } from "node:child_process";
import mqtt from "mqtt";

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, v, i, all) =>
  (i % 2 === 0 ? acc.concat([[v.replace(/^--/, ""), all[i + 1]]]) : acc), []));
const port = Number(args.port ?? 1883);
const mode = args.mode ?? "fanin";
const qos = Number(args.qos ?? 1);
const window = Number(args.window ?? 20);
const publishers = mode === "fanin" ? Number(args.publishers ?? 20) : 1;
const subscribers = mode === "fanout" ? Number(args.subscribers ?? 20) : 1;
const warmup = Number(args.warmup ?? 3) * 1000;
const duration = Number(args.duration ?? 10) * 1000;
const payloadSize = Math.max(32, Number(args.payload ?? 64));
const label = args.label ?? "broker";
const run = Math.random().toString(36).slice(2, 8);

const now = () => process.hrtime.bigint();
// The measurement window, as instants of the shared monotonic clock (set by the driver for both children), so that
// a child busy with traffic cannot start or stop measuring late.
const windowStart = args.from ? BigInt(args.from) : 0n;
const windowEnd = args.to ? BigInt(args.to) : 0n;
const inWindow = (t) => t >= windowStart && t < windowEnd;

function connect(id) {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect({ host: "127.0.0.1", port, clientId: `${run}-${id}`, clean: true, protocolVersion: 4,
      reconnectPeriod: 0, keepalive: 60 });
    c.once("connect", () => resolve(c));
    c.once("error", reject);
  });
}

// ------------------------------------------------------------------ subscriber side (child process)

async function subscriberSide() {
  const clients = [];
  const latencies = [];
  let delivered = 0;
  let deliveredInWindow = 0;
  for (let i = 0; i < subscribers; i++) {
    const c = await connect(`sub${i}`);
    c.on("message", (topic, payload) => {
      const sent = payload.readBigUInt64BE(0);
      const at = now();
      delivered++;
      if (inWindow(at)) {
        deliveredInWindow++;
        latencies.push(Number(at - sent) / 1e6);
      }
    });
    await c.subscribeAsync(mode === "fanin" ? "bench/#" : "bench/p0", { qos });
    clients.push(c);
  }
  process.send({ ready: true });
  process.on("message", async (m) => {
    if (m.report) {
      process.send({ deliveredInWindow, latencies, delivered });
    } else if (m.finish) {
      for (const c of clients) {
        await c.endAsync(true);
      }
      process.exit(0);
    }
  });
}

// ------------------------------------------------------------------ publisher side (child process)

async function publisherSide() {
  let acked = 0;
  let ackedInWindow = 0;
  let published = 0;
  let running = true;
  const pubs = [];
  for (let i = 0; i < publishers; i++) {
    const c = await connect(`pub${i}`);
    const topic = `bench/p${i}`;
    let seq = 0;
    let outstanding = 0;
    const send = () => {
      while (running && outstanding < window) {
        const payload = Buffer.alloc(payloadSize);
        payload.writeBigUInt64BE(now(), 0);
        payload.writeUInt32BE(seq++, 8);
        outstanding++;
        published++;
        c.publish(topic, payload, { qos }, (err) => {
          outstanding--;
          if (!err) {
            acked++;
            if (inWindow(now())) {
              ackedInWindow++;
            }
          }
          setImmediate(send);
        });
      }
    };
    pubs.push({ c, send });
  }
  process.send({ ready: true });
  process.on("message", async (m) => {
    if (m.start) {
      pubs.forEach((p) => p.send());
    } else if (m.stop) {
      running = false;
      process.send({ ackedInWindow, acked, published });
    } else if (m.finish) {
      for (const p of pubs) {
        await p.c.endAsync(true);
      }
      process.exit(0);
    }
  });
}

// ------------------------------------------------------------------ driver

function child(role, extra) {
  const p = fork(new URL(import.meta.url).pathname, [...process.argv.slice(2), "--role", role, ...extra]);
  const messages = [];
  const waiters = [];
  p.on("message", (m) => (waiters.length ? waiters.shift()(m) : messages.push(m)));
  return { p, next: () => new Promise((r) => (messages.length ? r(messages.shift()) : waiters.push(r))) };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted, p) {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function driver() {
  // Connecting 21 clients takes well under the 5 s allowed; the window starts after it and the warm-up.
  const from = now() + 5_000_000_000n + BigInt(warmup) * 1_000_000n;
  const window = ["--from", from.toString(), "--to", (from + BigInt(duration) * 1_000_000n).toString()];
  const subs = child("sub", window);
  await subs.next();
  const pubs = child("pub", window);
  await pubs.next();
  pubs.p.send({ start: true });
  await sleep(Number((from - now()) / 1_000_000n) + duration);
  pubs.p.send({ stop: true });
  subs.p.send({ report: true });
  const p = await pubs.next();
  const s = await subs.next();
  // What the broker still owes once publishing stopped: let it drain (bounded) to count losses.
  let drained = s;
  const expected = p.published * subscribers;
  for (let i = 0; i < 60 && drained.delivered < expected; i++) {
    await sleep(500);
    subs.p.send({ report: true });
    drained = await subs.next();
  }
  pubs.p.send({ finish: true });
  subs.p.send({ finish: true });
  const sorted = Float64Array.from(s.latencies).sort();
  const seconds = duration / 1000;
  const behind = Math.max(0, expected - s.delivered);
  console.log(`RESULT ${label} ${mode} qos=${qos} acked/s=${Math.round(p.ackedInWindow / seconds)} ` +
    `delivered/s=${Math.round(s.deliveredInWindow / seconds)} p50ms=${percentile(sorted, 0.5).toFixed(1)} ` +
    `p99ms=${percentile(sorted, 0.99).toFixed(1)} maxms=${(sorted.length ? sorted[sorted.length - 1] : 0).toFixed(1)} ` +
    `behind=${behind} lost=${Math.max(0, expected - drained.delivered)}`);
}

if (args.role === "sub") {
  await subscriberSide();
} else if (args.role === "pub") {
  await publisherSide();
} else {
  await driver();
}
