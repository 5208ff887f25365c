package io.outpost.bench.e2e;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.outpost.bench.BenchConnection;
import io.outpost.bench.LatencyHistogram;
import io.outpost.testing.UplinkBatches;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The measuring subscriber of the end-to-end benchmark, at the cloud broker: counts point updates (one message per
 * reading on {@code cloud/bench/...}, or every reading inside the batches on {@code cloud/batch/<device>}, in any
 * batch format and compression), and measures two latencies per reading on the machine's wall clock:
 * <ul>
 *   <li><b>end to end</b>: from the device's value change to arrival here. Modbus and BACnet values hold their
 *       change time ({@link StampMap}); OPC UA values carry it as their source timestamp ({@code ts}).</li>
 *   <li><b>through the gateway</b>: from the moment the gateway read the value ({@code ts} of polled points, the time
 *       the answer arrived) to arrival here: what the gateway, the bridge and the cloud broker add.</li>
 * </ul>
 * Prints {@code SUBSCRIBED}, {@code FIRST <ms>} at the first update, {@code ALL <ms>} once every expected point has
 * arrived, {@code WINDOW <ms>} when the measurement starts (after the warm-up), one {@code RATE} line per second
 * on stderr, and one {@code RESULT} line. All state lives on the connection's single event loop.
 *
 * <pre>java -cp ... io.outpost.bench.e2e.UpstreamMeter --port P --base MS --points N --warmup S --duration S</pre>
 */
public final class UpstreamMeter {

    private static final String PREFIX = "cloud/bench/";
    /** Batched uplinks: {@code cloud/batch/<device>}, one batch per device ({@code batch: {by: device}}). */
    static final String BATCH_PREFIX = "cloud/batch/";

    private final long baseMillis;
    private final int expectedPoints;
    private final Set<String> seen = new HashSet<>();
    private final LatencyHistogram endToEnd = new LatencyHistogram();
    private final LatencyHistogram throughGateway = new LatencyHistogram();
    private final LatencyHistogram[] byProtocol = {new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram()};
    private boolean measuring;
    private long updates;
    private long notGood;
    private long malformed;
    private long maxEndToEndMicros;
    private long firstAt;
    private long allAt;
    private long windowAt;
    private long windowUpdatesAtStart;
    private long lastRateCount;

    private UpstreamMeter(long baseMillis, int expectedPoints) {
        this.baseMillis = baseMillis;
        this.expectedPoints = expectedPoints;
    }

    public static void main(String[] args) throws Exception {
        Arguments a = new Arguments(args);
        UpstreamMeter meter = new UpstreamMeter(Long.parseLong(a.text("base", "0")), a.integer("points", 0));
        int warmup = a.integer("warmup", 20);
        int duration = a.integer("duration", 60);
        int maxWait = a.integer("max-wait", 180);
        EventLoopGroup group = new NioEventLoopGroup(1);
        CountDownLatch done = new CountDownLatch(1);
        try {
            BenchConnection c = BenchConnection.open(group, "127.0.0.1", a.integer("port", 1883), "e2e-meter",
                    meter::onMessage).get(30, TimeUnit.SECONDS);
            c.subscribe("cloud/#", 1).get(30, TimeUnit.SECONDS);
            System.out.println("SUBSCRIBED");
            System.out.flush();
            group.scheduleAtFixedRate(() -> meter.tick(warmup, duration, maxWait, done), 1, 1, TimeUnit.SECONDS);
            done.await();
            c.close();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private void tick(int warmup, int duration, int maxWait, CountDownLatch done) {
        long now = System.currentTimeMillis();
        System.err.printf(Locale.ROOT, "RATE %d/s (%d of %d points seen)%n", updates - lastRateCount, seen.size(), expectedPoints);
        lastRateCount = updates;
        if (!measuring && windowAt == 0) {
            boolean ready = allAt > 0 && now - allAt >= warmup * 1000L;
            boolean gaveUp = firstAt > 0 && now - firstAt >= maxWait * 1000L;
            if (ready || gaveUp) {
                windowAt = now;
                measuring = true;
                windowUpdatesAtStart = updates;
                endToEnd.reset();
                throughGateway.reset();
                for (LatencyHistogram h : byProtocol) {
                    h.reset();
                }
                maxEndToEndMicros = 0;
                notGood = 0;
                System.out.println("WINDOW " + now);
                System.out.flush();
            }
        } else if (measuring && now - windowAt >= duration * 1000L) {
            measuring = false;
            double seconds = (now - windowAt) / 1000.0;
            long n = updates - windowUpdatesAtStart;
            System.out.printf(Locale.ROOT, "RESULT updates=%d seconds=%.1f rate=%.0f points_seen=%d points=%d "
                            + "e2e_p50_ms=%.1f e2e_p99_ms=%.1f e2e_max_ms=%.1f gw_p50_ms=%.1f gw_p99_ms=%.1f "
                            + "modbus_p99_ms=%.1f opcua_p99_ms=%.1f bacnet_p99_ms=%.1f not_good=%d malformed=%d%n",
                    n, seconds, n / seconds, seen.size(), expectedPoints, ms(endToEnd, 0.5), ms(endToEnd, 0.99),
                    maxEndToEndMicros / 1000.0, ms(throughGateway, 0.5), ms(throughGateway, 0.99),
                    ms(byProtocol[0], 0.99), ms(byProtocol[1], 0.99), ms(byProtocol[2], 0.99), notGood, malformed);
            System.out.flush();
            done.countDown();
        }
    }

    private static double ms(LatencyHistogram h, double fraction) {
        return h.count() == 0 ? Double.NaN : h.percentile(fraction) / 1000.0;
    }

    private void onMessage(MqttPublishMessage p) {
        String topic = p.variableHeader().topicName();
        if (topic.startsWith(BATCH_PREFIX)) {
            onBatch(topic, p);
            return;
        }
        if (!topic.startsWith(PREFIX)) {
            return;
        }
        int protocolEnd = topic.indexOf('/', PREFIX.length());
        if (protocolEnd < 0 || topic.indexOf('/', protocolEnd + 1) < 0) {
            return; // status topics: cloud/bench/<device>/_status and cloud/bench/_status
        }
        long arrivalMicros = nowMicros();
        if (!measuring) {
            // Before the window only arrivals count: no need to read the payload.
            arrived(topic, arrivalMicros);
            return;
        }
        String payload = p.content().toString(StandardCharsets.US_ASCII);
        long value = number(payload, "\"value\":");
        long ts = number(payload, "\"ts\":");
        boolean good = value != Long.MIN_VALUE && ts != Long.MIN_VALUE && payload.contains("\"quality\":\"good\"");
        reading(topic, protocolIndex(topic.substring(PREFIX.length(), protocolEnd)), value, ts, good, arrivalMicros);
    }

    /** A batch ({@code cloud/batch/<device>}): every reading in it counts as one point update. */
    private void onBatch(String topic, MqttPublishMessage p) {
        long arrivalMicros = nowMicros();
        byte[] payload = new byte[p.content().readableBytes()];
        p.content().getBytes(p.content().readerIndex(), payload);
        UplinkBatches.Batch batch;
        try {
            batch = UplinkBatches.read(UplinkBatches.decompress(payload, null));
        } catch (IOException e) {
            malformed++;
            System.err.println("a malformed batch on " + topic + ": " + e.getMessage());
            return;
        }
        for (UplinkBatches.Reading r : batch.readings()) {
            String key = r.device() + '/' + r.point();
            boolean good = "good".equals(r.quality()) && r.value() instanceof Number;
            long value = good ? Math.round(((Number) r.value()).doubleValue()) : Long.MIN_VALUE;
            reading(key, protocolIndex(r.device()), value, r.sourceMillis(), good, arrivalMicros);
        }
    }

    /**
     * One point update arrived.
     *
     * @param point    names the point (distinct per point)
     * @param protocol 0 Modbus, 1 OPC UA, 2 BACnet
     * @param value    the value: for Modbus and BACnet, the device's change time in ms after the base
     * @param ts       the reading's source time (OPC UA: the device's change; polled points: the gateway's read)
     */
    private void reading(String point, int protocol, long value, long ts, boolean good, long arrivalMicros) {
        arrived(point, arrivalMicros);
        if (!measuring) {
            return;
        }
        if (!good) {
            notGood++;
            return;
        }
        long changedMillis = protocol == 1 ? ts : baseMillis + value;
        long e2e = arrivalMicros - changedMillis * 1000;
        endToEnd.record(e2e);
        byProtocol[protocol].record(e2e);
        maxEndToEndMicros = Math.max(maxEndToEndMicros, e2e);
        if (protocol != 1) {
            throughGateway.record(arrivalMicros - ts * 1000);
        }
    }

    private void arrived(String point, long arrivalMicros) {
        if (firstAt == 0) {
            firstAt = arrivalMicros / 1000;
            System.out.println("FIRST " + firstAt);
            System.out.flush();
        }
        updates++;
        if (seen.add(point) && seen.size() == expectedPoints) {
            allAt = arrivalMicros / 1000;
            System.out.println("ALL " + allAt);
            System.out.flush();
        }
    }

    /** By the protocol segment of a per-point topic, or by the device id of a batch (m000, ua1, bac1). */
    private static int protocolIndex(String protocolOrDevice) {
        if (protocolOrDevice.startsWith("m")) {
            return 0;
        }
        return protocolOrDevice.startsWith("opcua") || protocolOrDevice.startsWith("ua") ? 1 : 2;
    }

    private static long nowMicros() {
        Instant arrival = Instant.now();
        return arrival.getEpochSecond() * 1_000_000 + arrival.getNano() / 1000;
    }

    /** The integer part of the number after {@code key}, or {@link Long#MIN_VALUE} when absent. */
    static long number(String json, String key) {
        int at = json.indexOf(key);
        if (at < 0) {
            return Long.MIN_VALUE;
        }
        int i = at + key.length();
        boolean negative = i < json.length() && json.charAt(i) == '-';
        if (negative) {
            i++;
        }
        long v = 0;
        int start = i;
        while (i < json.length() && Character.isDigit(json.charAt(i))) {
            v = v * 10 + (json.charAt(i++) - '0');
        }
        if (i == start) {
            return Long.MIN_VALUE;
        }
        return negative ? -v : v;
    }
}
