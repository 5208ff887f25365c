package io.outpost.mqtt.internal.bridge.client;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How long an upstream normally takes to answer, measured on the link, and the timeouts derived from it: TCP's
 * retransmission timer (RFC 6298) applied to MQTT answers instead of TCP segments.
 *
 * <p><b>Samples.</b> Each answer that ends a wait (a PUBACK, PUBREC or PUBCOMP while messages are in flight, a
 * CONNACK, a PINGRESP) is one sample: the time from when the wait began (the first message went out, or the previous
 * answer came) to the answer. Smoothed like TCP: {@code srtt += (sample - srtt) / 8},
 * {@code rttvar += (|sample - srtt| - rttvar) / 4}, {@code rto = srtt + 4 rttvar}. Samples that follow the previous
 * answer directly (a steady stream of acknowledgements) also measure the link's throughput, bytes per second of the
 * answered messages, smoothed the same way.
 *
 * <p><b>Stall timeout</b> (with messages in flight, no answer for this long means the link is stalled):
 * {@code 3 x rto}, plus the time the oldest unanswered message takes to cross the link at the measured throughput
 * (a 16 KB batch over a 64 kbit/s satellite link takes 2 s by itself), never less than {@link #FLOOR} and never more
 * than {@link #CEILING}. A loopback, LAN or cellular link lands on the floor (a black-holed link is noticed within
 * 5 s and a tick); a 700 ms satellite round trip with jitter lands a few seconds above it. A timeout that fires
 * without any answer since the previous one doubles the next (TCP's backoff), so a link that is merely much slower
 * than measured gets through after a few tries instead of being cut forever; any answer resets the doubling.
 *
 * <p><b>Connect timeout</b> of one attempt (TCP, TLS, CONNECT until CONNACK): the stall timeout plus three round
 * trips, doubled after an attempt that timed out (once), never more than the configured {@code connect-timeout}.
 *
 * <p>With a fixed {@code stall-timeout} configured, that value is used as it is and only the connect timeout adapts.
 * Confined to the upstream's thread (the getters may be read from any thread, for metrics).
 */
public final class ResponseTimes {

    /** The stall timeout is never shorter: MQTT servers pause (GC, fsync, failover) for seconds now and then. */
    public static final Duration FLOOR = Duration.ofSeconds(5);
    /** ... and never longer, however slow the measured link. */
    public static final Duration CEILING = Duration.ofSeconds(120);
    /** Before the first sample (RFC 6298 starts from 1 s). */
    static final long INITIAL_RTO_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int STALL_RTOS = 3;
    private static final int MAX_STALL_DOUBLINGS = 6;
    /**
     * Once only: a server slow to answer CONNECT gets twice the time, but a link that swallows CONNECTs (a
     * satellite modem's TCP proxy answering SYNs while the space link is down) is not left for long between tries.
     */
    private static final int MAX_CONNECT_DOUBLINGS = 1;

    private final Duration fixedStall;
    // Volatile only so that the metrics' gauges read whole values from another thread.
    private volatile double srtt = -1;
    private volatile double rttvar;
    private volatile double bytesPerSecond = -1;
    private volatile double handshakeRtt = -1;
    private long lastAnswerNanos = Long.MIN_VALUE;
    private volatile int stallDoublings;
    private int connectDoublings;
    private long samples;

    /** @param fixedStall a configured stall timeout, or null to derive it from the measurements */
    public ResponseTimes(Duration fixedStall) {
        this.fixedStall = fixedStall;
    }

    /**
     * An answer came at {@code endNanos} to a wait that began at {@code startNanos}; {@code bytes} is the size of
     * what was answered (0 when not known or not a message).
     */
    public void answered(long startNanos, long endNanos, long bytes) {
        long sample = Math.max(0, endNanos - startNanos);
        if (srtt < 0) {
            srtt = sample;
            rttvar = sample / 2.0;
        } else {
            rttvar += (Math.abs(sample - srtt) - rttvar) / 4;
            srtt += (sample - srtt) / 8;
        }
        if (bytes > 0 && startNanos == lastAnswerNanos && sample > 0) {
            double rate = bytes * 1e9 / sample;
            bytesPerSecond = bytesPerSecond < 0 ? rate : bytesPerSecond + (rate - bytesPerSecond) / 8;
        }
        lastAnswerNanos = endNanos;
        stallDoublings = 0;
        connectDoublings = 0;
        samples++;
    }

    /** A stall timeout fired: the next one is twice as long (until an answer comes). */
    public void stalled() {
        stallDoublings = Math.min(MAX_STALL_DOUBLINGS, stallDoublings + 1);
    }

    /** A connect attempt timed out waiting for its transport or its CONNACK: the next one waits twice as long. */
    public void connectTimedOut() {
        connectDoublings = Math.min(MAX_CONNECT_DOUBLINGS, connectDoublings + 1);
    }

    /** {@code srtt + 4 rttvar} (RFC 6298), or 1 s before the first sample. */
    public long rtoNanos() {
        return srtt < 0 ? INITIAL_RTO_NANOS : (long) (srtt + Math.max(TimeUnit.MILLISECONDS.toNanos(10), 4 * rttvar));
    }

    /** The smoothed response time, or 0 before the first sample. */
    public long srttNanos() {
        return srtt < 0 ? 0 : (long) srtt;
    }

    /** Bytes per second the link was measured to carry, or -1 when not measured yet. */
    public double bytesPerSecond() {
        return bytesPerSecond;
    }

    public long samples() {
        return samples;
    }

    /**
     * How long to wait for an answer with messages in flight before the link counts as stalled.
     *
     * @param bytesAhead the size of the oldest unanswered message (it has to cross the link before its answer)
     */
    public long stallTimeoutNanos(long bytesAhead) {
        if (fixedStall != null) {
            return fixedStall.toNanos();
        }
        double transfer = bytesPerSecond > 0 ? bytesAhead * 1e9 / bytesPerSecond : 0;
        long base = clamp((long) (STALL_RTOS * (double) rtoNanos() + transfer), FLOOR.toNanos(), CEILING.toNanos());
        return Math.min(CEILING.toNanos(), base << stallDoublings);
    }

    /** How long one connect attempt may take in all (TCP, TLS, CONNACK), at most {@code configured}. */
    public long connectTimeoutNanos(Duration configured) {
        long base = stallTimeoutNanos(0) + 3 * srttNanos();
        return Math.min(configured.toNanos(), base << connectDoublings);
    }

    /** A TCP handshake completed after {@code nanos}: a clean sample of the round trip (no server work in it). */
    public void handshake(long nanos) {
        handshakeRtt = handshakeRtt < 0 ? nanos : handshakeRtt + (nanos - handshakeRtt) / 4;
    }

    /** The smoothed duration of TCP handshakes, or 0 before the first. */
    public long handshakeRttNanos() {
        return handshakeRtt < 0 ? 0 : (long) handshakeRtt;
    }

    /**
     * How long the TCP handshake of a probe may take. A short probe waits just under the probe interval and never
     * past 950 ms: the kernel would retransmit the SYN after 1 s, and the next probe's SYN goes instead, so a probe
     * costs one SYN. A long one (every fourth, {@code longProbe}) waits twice that (two SYNs), so that a path whose
     * handshake takes longer than a second is still found. Never less than three measured handshakes, never more
     * than the whole attempt may take.
     */
    public long tcpConnectTimeoutNanos(Duration probeInterval, Duration configured, boolean longProbe) {
        long interval = probeInterval.toNanos();
        long shortProbe = Math.min(interval - Math.min(interval / 20, TimeUnit.MILLISECONDS.toNanos(50)),
                TimeUnit.MILLISECONDS.toNanos(950));
        long probe = longProbe ? 2 * shortProbe + TimeUnit.MILLISECONDS.toNanos(100) : shortProbe;
        return Math.min(connectTimeoutNanos(configured), Math.max(probe, 3 * handshakeRttNanos()));
    }

    private static long clamp(long v, long min, long max) {
        return Math.max(min, Math.min(max, v));
    }

    /** For logs: {@code srtt 120 ms, rto 300 ms, stall 5.0 s}. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "srtt %d ms, rto %d ms, stall timeout %.1f s",
                TimeUnit.NANOSECONDS.toMillis(srttNanos()), TimeUnit.NANOSECONDS.toMillis(rtoNanos()),
                stallTimeoutNanos(0) / 1e9);
    }
}
