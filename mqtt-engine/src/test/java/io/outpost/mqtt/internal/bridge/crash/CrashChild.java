package io.outpost.mqtt.internal.bridge.crash;

import io.outpost.mqtt.internal.bridge.testing.BridgeHarness;
import io.outpost.mqtt.internal.bridge.testing.InMemoryLocalBroker;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * The gateway process the crash test kills: a bridge with the in-memory local broker, fed with numbered messages.
 * Before publishing message n it records n as attempted (so a restarted child never publishes a number twice);
 * once the bridge's stage completed (the message is durable) it appends n to {@code accepted.log}. Both are plain
 * writes to the page cache, which a SIGKILL does not lose. Even numbers go to {@code q1/...} (QoS 1), odd ones to
 * {@code q2/...} (QoS 2).
 *
 * <p>Arguments: data dir, state dir, upstream port, mode: {@code publish} (until killed), {@code drain} (publish
 * nothing) or {@code fill:<n>} (publish n QoS 1 messages as fast as they are accepted, print {@code FILLED}, idle).
 */
public final class CrashChild {

    private static final int RATE = 1500;
    /** What {@code fill:} publishes: a point reading as the core formats it; the value makes each one unique. */
    public static final String READING = "{\"value\":%d,\"quality\":\"good\",\"ts\":1763700000123}";

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path state = Path.of(args[1]);
        int port = Integer.parseInt(args[2]);
        boolean publish = args[3].equals("publish");
        long fill = args[3].startsWith("fill:") ? Long.parseLong(args[3].substring(5)) : 0;
        BridgeHarness h = new BridgeHarness(data);
        InMemoryLocalBroker local = h.local;
        h.start("""
                upstreams:
                  - name: cloud
                    servers: ["mqtt://127.0.0.1:%d"]
                    client-id: crash-child
                    session-expiry: 1h
                    connect-timeout: 2s
                    backoff: {initial: 100ms, max: 300ms}
                    store: {sync: group-commit, group-commit-interval: 5ms}
                    forward:
                      - {from: "q1/#", to: "c/{topic}", qos: 1}
                      - {from: "q2/#", to: "c/{topic}", qos: 2}
                """.formatted(port));
        System.out.println("READY");
        System.out.flush();
        if (fill > 0) {
            local.publishNumbered("q1/device-", 50, fill, 2000, READING);
            System.out.println("FILLED");
            System.out.flush();
        }
        if (!publish) {
            Thread.sleep(Long.MAX_VALUE);
        }
        try (RandomAccessFile attempted = new RandomAccessFile(state.resolve("attempted").toFile(), "rw");
             FileChannel accepted = FileChannel.open(state.resolve("accepted.log"), StandardOpenOption.CREATE,
                     StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            long n = attempted.length() >= 8 ? attempted.readLong() + 1 : 0;
            Semaphore window = new Semaphore(200);
            long start = System.nanoTime();
            long first = n;
            while (true) {
                window.acquire();
                // Field devices produce at a steady rate; this one at RATE messages per second.
                long due = start + (n - first) * 1_000_000_000L / RATE;
                long early = due - System.nanoTime();
                if (early > 0) {
                    Thread.sleep(early / 1_000_000, (int) (early % 1_000_000));
                }
                attempted.seek(0);
                attempted.writeLong(n);
                long number = n;
                String topic = (n % 2 == 0 ? "q1/" : "q2/") + "t" + (n % 6);
                local.publish(topic, Long.toString(n), 1).whenComplete((ok, err) -> {
                    if (err == null) {
                        append(accepted, number);
                    }
                    window.release();
                });
                n++;
            }
        }
    }

    private static void append(FileChannel log, long n) {
        try {
            synchronized (log) {
                log.write(ByteBuffer.wrap((n + "\n").getBytes(StandardCharsets.US_ASCII)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Numbers whose line in {@code accepted.log} is complete. */
    public static Set<Long> accepted(Path state) throws IOException {
        Set<Long> out = new HashSet<>();
        Path log = state.resolve("accepted.log");
        if (!Files.exists(log)) {
            return out;
        }
        String text = Files.readString(log, StandardCharsets.US_ASCII);
        int end = text.lastIndexOf('\n');
        for (String line : text.substring(0, end + 1).split("\n")) {
            if (!line.isEmpty()) {
                out.add(Long.parseLong(line));
            }
        }
        return out;
    }
}
