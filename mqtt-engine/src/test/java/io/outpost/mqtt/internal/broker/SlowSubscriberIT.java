package io.outpost.mqtt.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.core.message.Message;
import io.outpost.mqtt.internal.broker.session.Session;
import io.outpost.mqtt.internal.broker.testing.TestBroker;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slow-subscriber policy: a client that stops reading gets its QoS 0 messages dropped once its queue is full
 * (and stays connected); when QoS 1/2 messages no longer fit, it is disconnected. Both are counted.
 */
class SlowSubscriberIT {

    @TempDir
    Path dir;
    TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.local(dir, """
                limits: {max-queued-bytes: 64KB}
                sys-interval: off
                """);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    /** A 3.1.1 client that connects, subscribes to flood/# and then never reads again. */
    private Socket stalledSubscriber(String id, int qos) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", broker.port()), 5_000);
        OutputStream out = s.getOutputStream();
        byte[] cid = id.getBytes();
        byte[] connect = concat(new byte[] {0x10, (byte) (12 + cid.length), 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0,
            (byte) cid.length}, cid);
        out.write(connect);
        out.write(new byte[] {(byte) 0x82, 12, 0, 1, 0, 7, 'f', 'l', 'o', 'o', 'd', '/', '#', (byte) qos});
        out.flush();
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] acks = new byte[4 + 5];
        in.readFully(acks);
        assertThat(acks[0]).as("CONNACK").isEqualTo((byte) 0x20);
        assertThat(acks[4]).as("SUBACK").isEqualTo((byte) 0x90);
        return s;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private void flood(int qos, int count) {
        byte[] payload = new byte[4096];
        for (int i = 0; i < count; i++) {
            broker.broker.publish(Message.of("flood/x", payload, qos, false, "test", System.currentTimeMillis()));
        }
    }

    private double counter(String name, String... tags) {
        var search = broker.meters.find(name);
        if (tags.length > 0) {
            search = search.tags(tags);
        }
        var c = search.counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void qos0_messages_are_dropped_for_a_stalled_subscriber_which_stays_connected() throws Exception {
        try (Socket s = stalledSubscriber("stalled-0", 0)) {
            flood(0, 2_000);
            Awaitility.await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> counter("outpost.broker.dropped", "reason", "queue-full") > 0);
            Session session = broker.broker.sessions().get("stalled-0");
            assertThat(session.online()).isTrue();
            assertThat(counter("outpost.broker.slow.disconnects")).isZero();
        }
    }

    @Test
    void a_stalled_subscriber_with_qos1_messages_beyond_its_queue_is_disconnected() throws Exception {
        try (Socket s = stalledSubscriber("stalled-1", 1)) {
            flood(1, 2_000);
            Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> counter("outpost.broker.slow.disconnects") == 1);
            Awaitility.await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> broker.broker.sessions().get("stalled-1") == null);
            assertThat(counter("outpost.broker.dropped", "reason", "queue-full")).isGreaterThan(0);
        }
    }
}
