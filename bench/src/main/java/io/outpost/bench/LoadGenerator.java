package io.outpost.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives any MQTT broker by host and port and measures it: delivered messages per second and end-to-end latency
 * (p50, p99) for QoS 0, 1 or 2, fan-in (many publishers, one subscriber) or fan-out (one publisher, many
 * subscribers). Each publisher keeps at most {@code --window} messages on their way (not yet received by every
 * subscriber), so the broker is loaded to saturation without unbounded queues; latency is measured from the
 * moment of publishing to the moment a subscriber got it, in one process and on one clock.
 *
 * <pre>
 * java -cp ... io.outpost.bench.LoadGenerator --port 1883 --mode fanin --qos 1 --publishers 50 --duration 15
 * </pre>
 *
 * Prints one line: {@code RESULT <label> <mode> qos=<q> pubs=<n> subs=<m> msgs/s=<x> p50us=<a> p99us=<b> lost=<c>
 * total=<d>}, where {@code total} counts every delivery of the run, warm-up included (for CPU per message).
 * With {@code --mode idle --clients 1000} it connects that many subscribers, prints {@code READY}, and holds them
 * until standard input closes (for memory measurements).
 */
public final class LoadGenerator {

    private final Map<String, String> args;
    private final String host;
    private final int port;
    private final int qos;
    private final int window;
    private final int payloadSize;
    private final String run = Long.toString(System.nanoTime() % 1_000_000, 36);
    private final LatencyHistogram latency = new LatencyHistogram();
    private final AtomicLong delivered = new AtomicLong();
    private volatile boolean running = true;

    private LoadGenerator(Map<String, String> args) {
        this.args = args;
        this.host = args.getOrDefault("host", "127.0.0.1");
        this.port = Integer.parseInt(args.getOrDefault("port", "1883"));
        this.qos = Integer.parseInt(args.getOrDefault("qos", "1"));
        this.window = Integer.parseInt(args.getOrDefault("window", "16"));
        this.payloadSize = Math.max(16, Integer.parseInt(args.getOrDefault("payload", "64")));
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        LoadGenerator g = new LoadGenerator(args);
        EventLoopGroup group = new NioEventLoopGroup(Integer.parseInt(args.getOrDefault("threads", "2")));
        try {
            String mode = args.getOrDefault("mode", "fanin");
            if (mode.equals("idle")) {
                g.idle(group, Integer.parseInt(args.getOrDefault("clients", "1000")));
            } else {
                g.load(group, mode);
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** One publisher: its connection, its window, and the receipts still owed for each message on its way. */
    private final class Publisher {
        final int index;
        final String topic;
        final int expected;
        final AtomicIntegerArray remaining;
        final AtomicLong done = new AtomicLong();
        BenchConnection connection;
        long sent;
        long lastDone;
        int stalledSeconds;
        boolean pumpScheduled;

        Publisher(int index, String topic, int expected) {
            this.index = index;
            this.topic = topic;
            this.expected = expected;
            this.remaining = new AtomicIntegerArray(window * 4);
        }

        /** Sends while fewer than {@code window} messages are on their way. On the connection's event loop. */
        void pump() {
            pumpScheduled = false;
            boolean wrote = false;
            while (running && sent - done.get() < window) {
                int slot = (int) (sent % remaining.length());
                remaining.set(slot, expected);
                ByteBuf payload = Unpooled.buffer(payloadSize);
                payload.writeLong(System.nanoTime()).writeInt(index).writeLong(sent);
                payload.writerIndex(payloadSize);
                connection.publish(topic, qos, payload);
                sent++;
                wrote = true;
            }
            if (wrote) {
                connection.flush();
            }
        }

        void receipt(long seq) {
            int slot = (int) (seq % remaining.length());
            if (remaining.decrementAndGet(slot) == 0) {
                done.incrementAndGet();
                connection.channel().eventLoop().execute(() -> {
                    if (!pumpScheduled) {
                        pumpScheduled = true;
                        pump();
                    }
                });
            }
        }
    }

    private void load(EventLoopGroup group, String mode) throws Exception {
        boolean fanIn = mode.equals("fanin");
        int pubs = Integer.parseInt(args.getOrDefault("publishers", fanIn ? "50" : "1"));
        int subs = Integer.parseInt(args.getOrDefault("subscribers", fanIn ? "1" : "50"));
        List<Publisher> publishers = new ArrayList<>();
        for (int i = 0; i < pubs; i++) {
            publishers.add(new Publisher(i, "bench/" + run + (fanIn ? "/p" + i : "/fanout"), subs));
        }
        List<BenchConnection> subscribers = new ArrayList<>();
        for (int i = 0; i < subs; i++) {
            BenchConnection s = BenchConnection.open(group, host, port, "bench-" + run + "-s" + i,
                    p -> received(p.content(), publishers)).get(30, TimeUnit.SECONDS);
            s.subscribe(fanIn ? "bench/" + run + "/#" : "bench/" + run + "/fanout", qos).get(30, TimeUnit.SECONDS);
            subscribers.add(s);
        }
        for (Publisher p : publishers) {
            p.connection = BenchConnection.open(group, host, port, "bench-" + run + "-p" + p.index, m -> { })
                    .get(30, TimeUnit.SECONDS);
        }
        for (Publisher p : publishers) {
            p.connection.channel().eventLoop().execute(p::pump);
        }
        long lost = 0;
        long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args.getOrDefault("warmup", "5")));
        lost += watch(publishers, warmupEnd);
        latency.reset();
        long start = System.nanoTime();
        long before = delivered.get();
        long measureEnd = start + TimeUnit.SECONDS.toNanos(Long.parseLong(args.getOrDefault("duration", "15")));
        lost += watch(publishers, measureEnd);
        long count = delivered.get() - before;
        double seconds = (System.nanoTime() - start) / 1e9;
        running = false;
        System.out.printf("RESULT %s %s qos=%d pubs=%d subs=%d msgs/s=%.0f p50us=%d p99us=%d lost=%d total=%d%n",
                args.getOrDefault("label", "broker"), mode, qos, pubs, subs, count / seconds,
                latency.percentile(0.50), latency.percentile(0.99), lost, delivered.get());
        for (Publisher p : publishers) {
            p.connection.close();
        }
        subscribers.forEach(BenchConnection::close);
    }

    /**
     * Waits until {@code end}; once a second, a publisher whose whole window has not moved for five seconds (a
     * broker that dropped messages) has its window written off so that it goes on; returns how many messages were
     * written off that way.
     */
    private long watch(List<Publisher> publishers, long end) throws InterruptedException {
        long lost = 0;
        while (System.nanoTime() < end) {
            TimeUnit.MILLISECONDS.sleep(Math.min(1_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            for (Publisher p : publishers) {
                long done = p.done.get();
                boolean stuck = done == p.lastDone && p.sent - done >= window;
                p.stalledSeconds = stuck ? p.stalledSeconds + 1 : 0;
                if (p.stalledSeconds >= 5) {
                    long missing = p.sent - done;
                    lost += missing;
                    p.done.addAndGet(missing);
                    p.stalledSeconds = 0;
                    p.connection.channel().eventLoop().execute(p::pump);
                }
                p.lastDone = p.done.get();
            }
        }
        return lost;
    }

    private void received(ByteBuf buf, List<Publisher> publishers) {
        long sentAt = buf.getLong(buf.readerIndex());
        int index = buf.getInt(buf.readerIndex() + 8);
        long seq = buf.getLong(buf.readerIndex() + 12);
        latency.record((System.nanoTime() - sentAt) / 1_000);
        delivered.incrementAndGet();
        if (index >= 0 && index < publishers.size()) {
            publishers.get(index).receipt(seq);
        }
    }

    private void idle(EventLoopGroup group, int clients) throws Exception {
        List<BenchConnection> all = new ArrayList<>();
        for (int batch = 0; batch < clients; batch += 100) {
            List<CompletableFuture<BenchConnection>> pending = new ArrayList<>();
            for (int i = batch; i < Math.min(clients, batch + 100); i++) {
                pending.add(BenchConnection.open(group, host, port, "idle-" + run + "-" + i, b -> { }));
            }
            for (int i = 0; i < pending.size(); i++) {
                BenchConnection c = pending.get(i).get(60, TimeUnit.SECONDS);
                c.subscribe("idle/" + run + "/" + (batch + i), 1).get(60, TimeUnit.SECONDS);
                all.add(c);
            }
        }
        System.out.println("READY " + all.size());
        System.out.flush();
        while (System.in.read() >= 0) {
            // Hold the connections until the script closes our standard input.
        }
        all.forEach(BenchConnection::close);
    }
}
