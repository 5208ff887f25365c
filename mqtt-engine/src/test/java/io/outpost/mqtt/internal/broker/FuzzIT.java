package io.outpost.mqtt.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.outpost.mqtt.internal.broker.testing.Clients;
import io.outpost.mqtt.internal.broker.testing.TestBroker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Throws random bytes and mutated valid packets (flipped bits, wrong lengths, truncations, splices) at a listener
 * while a well-behaved publisher and subscriber keep working: every one of their messages must arrive, the broker
 * must keep accepting connections, and no connection may be left behind. The seed is fixed so that a failure can be
 * replayed; it is printed with the failure.
 */
class FuzzIT {

    private static final long SEED = 0x0_5EED_2026L;
    private static final int ROUNDS = 500;

    /** Valid packets to mutate: CONNECT 3.1.1 and 5 (with a will), PUBLISH QoS 0/1/2 with properties, SUBSCRIBE, ... */
    private static final List<byte[]> VALID = List.of(
            bytes(0x10, 0x0E, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 2, 'f', 'z'),
            bytes(0x10, 0x20, 0, 4, 'M', 'Q', 'T', 'T', 5, 0x0E, 0, 10, 5, 0x11, 0, 0, 0, 30, 0, 2, 'f', '5',
                    3, 0x18, 0, 0, 0, 1, 0, 3, 'w', '/', 't', 0, 1, 'x'),
            bytes(0x30, 0x07, 0, 3, 'a', '/', 'b', 'h', 'i'),
            bytes(0x32, 0x0C, 0, 3, 'a', '/', 'b', 0, 1, 3, 0x23, 0, 1, 'v'),
            bytes(0x34, 0x09, 0, 3, 'a', '/', 'b', 0, 2, 'q', '2'),
            bytes(0x82, 0x09, 0, 1, 2, 0x0B, 5, 0, 2, '#', 0x01),
            bytes(0x62, 0x02, 0, 1),
            bytes(0xA2, 0x06, 0, 3, 0, 1, 'x'),
            bytes(0xC0, 0x00),
            bytes(0xE0, 0x02, 0x04, 0));

    @TempDir
    Path dir;

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Test
    void garbage_closes_only_the_connection_it_came_on() throws Exception {
        try (TestBroker broker = TestBroker.local(dir, """
                limits: {max-packet-size: 64KB, connect-timeout: 2s}
                sys-interval: off
                """)) {
            Mqtt5BlockingClient sub = Clients.v5(broker.port(), "steady-sub");
            Mqtt5BlockingClient pub = Clients.v5(broker.port(), "steady-pub");
            Random random = new Random(SEED);
            try (Mqtt5BlockingClient.Mqtt5Publishes in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
                sub.subscribeWith().topicFilter("steady/#").qos(MqttQos.AT_LEAST_ONCE).send();
                for (int round = 0; round < ROUNDS; round++) {
                    byte[] attack = attack(random);
                    String replay = "seed " + SEED + ", round " + round + ", bytes " + Arrays.toString(attack);
                    hit(broker.port(), attack, random.nextBoolean());
                    byte[] payload = Integer.toString(round).getBytes();
                    pub.publishWith().topic("steady/r").qos(MqttQos.AT_LEAST_ONCE).payload(payload).send();
                    Mqtt5Publish got = in.receive(10, TimeUnit.SECONDS)
                            .orElseThrow(() -> new AssertionError("the steady subscriber lost a message after " + replay));
                    assertThat(got.getPayloadAsBytes()).as(replay).isEqualTo(payload);
                }
            } finally {
                pub.disconnect();
                sub.disconnect();
            }
            Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> broker.broker.stats().connections() == 0);
            Mqtt5BlockingClient after = Clients.v5(broker.port(), "after");
            after.disconnect();
            assertThat(broker.meters.get("outpost.broker.malformed").counter().count()).isGreaterThan(ROUNDS / 10.0);
        }
    }

    private static byte[] attack(Random r) {
        switch (r.nextInt(5)) {
            case 0: {
                byte[] b = new byte[1 + r.nextInt(300)];
                r.nextBytes(b);
                return b;
            }
            case 1: {
                byte[] b = VALID.get(r.nextInt(VALID.size())).clone();
                for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
                return b;
            }
            case 2: {
                byte[] b = VALID.get(r.nextInt(VALID.size()));
                return Arrays.copyOf(b, 1 + r.nextInt(b.length));
            }
            case 3: {
                byte[] b = VALID.get(r.nextInt(VALID.size())).clone();
                if (b.length > 1) {
                    b[1] = (byte) r.nextInt(256); // a lying remaining length, possibly a continuation byte
                }
                return b;
            }
            default: {
                byte[] a = VALID.get(r.nextInt(VALID.size()));
                byte[] c = VALID.get(r.nextInt(VALID.size()));
                byte[] b = Arrays.copyOf(a, a.length + c.length);
                System.arraycopy(c, 0, b, a.length, c.length);
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                return b;
            }
        }
    }

    /** Sends the attack on a fresh connection, after a valid CONNECT when {@code afterConnect}, and hangs up. */
    private static void hit(int port, byte[] attack, boolean afterConnect) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(50);
            OutputStream out = s.getOutputStream();
            if (afterConnect) {
                out.write(VALID.get(0));
            }
            out.write(attack);
            out.flush();
            InputStream in = s.getInputStream();
            byte[] sink = new byte[1024];
            while (in.read(sink) >= 0) {
                // Whatever the broker answers (CONNACK, DISCONNECT) is read and ignored until it closes or goes quiet.
            }
        } catch (SocketTimeoutException quiet) {
            // The broker kept the connection open (an incomplete packet); hanging up is part of the attack.
        } catch (IOException closed) {
            // The broker closed the connection while the attack was still being written: the expected outcome.
        }
    }
}
