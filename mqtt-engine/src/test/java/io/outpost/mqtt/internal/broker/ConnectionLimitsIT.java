package io.outpost.mqtt.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttVersion;
import io.outpost.mqtt.internal.broker.testing.RawClient;
import io.outpost.mqtt.internal.broker.testing.TestBroker;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client can hold before it is an MQTT client: a CONNECT has a fixed deadline however slowly its bytes come,
 * and sockets beyond {@code max-connections} (and the small headroom kept to tell clients why) are closed as soon
 * as they are accepted.
 */
class ConnectionLimitsIT {

    @TempDir
    Path dir;
    final ExecutorService readers = Executors.newCachedThreadPool();

    @AfterEach
    void stopReaders() {
        readers.shutdownNow();
    }

    /** A CONNECT (MQTT 3.1.1, clean session, keep-alive 60) with a client id of {@code idLength} characters. */
    private static byte[] connect(int idLength) {
        int remaining = 10 + 2 + idLength;
        byte[] out = new byte[2 + remaining];
        int i = 0;
        out[i++] = 0x10;
        out[i++] = (byte) remaining;
        for (byte b : new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, (byte) idLength}) {
            out[i++] = b;
        }
        while (i < out.length) {
            out[i++] = 'x';
        }
        return out;
    }

    /** Completes when the broker closes the socket (end of stream or reset). */
    private CompletableFuture<Void> closedByBroker(Socket s) {
        return CompletableFuture.runAsync(() -> {
            try (InputStream in = s.getInputStream()) {
                while (in.read() >= 0) {
                    // Nothing is expected; whatever comes is read until the end.
                }
            } catch (IOException e) {
                // A reset is a close as well.
            }
        }, readers);
    }

    @Test
    void a_connect_trickled_a_byte_at_a_time_is_closed_at_the_connect_deadline() throws Exception {
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (TestBroker broker = TestBroker.local(dir, "limits: {connect-timeout: 1s}");
             Socket s = new Socket("127.0.0.1", broker.port())) {
            byte[] connect = connect(60);
            AtomicInteger sent = new AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean refused = new java.util.concurrent.atomic.AtomicBoolean();
            // One byte every 200 ms: the whole CONNECT would take 15 s, and every byte is well within 1 s of the last.
            trickle.scheduleAtFixedRate(() -> {
                if (refused.get() || sent.get() >= connect.length) {
                    return;
                }
                try {
                    s.getOutputStream().write(connect[sent.get()]);
                    s.getOutputStream().flush();
                    sent.incrementAndGet();
                } catch (IOException e) {
                    // The broker closed the socket: the bytes written so far are what it saw.
                    refused.set(true);
                }
            }, 0, 200, TimeUnit.MILLISECONDS);
            CompletableFuture<Void> closed = closedByBroker(s);

            Awaitility.await().atMost(Duration.ofSeconds(6)).until(closed::isDone);
            assertThat(sent.get()).as("closed while the client was still sending its CONNECT")
                    .isLessThan(connect.length);
        } finally {
            trickle.shutdownNow();
        }
    }

    @Test
    void sockets_beyond_the_limit_and_its_headroom_are_closed_as_soon_as_they_are_accepted() throws Exception {
        List<Socket> silent = new ArrayList<>();
        try (TestBroker broker = TestBroker.local(dir, "limits: {max-connections: 2, connect-timeout: 1m}");
             RawClient a = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "a", true, null);
             RawClient b = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "b", true, null)) {
            List<CompletableFuture<Void>> closed = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                Socket s = new Socket("127.0.0.1", broker.port());
                silent.add(s);
                closed.add(closedByBroker(s));
            }
            // 2 connected + 32 of headroom may wait for their CONNECT (a minute here); the other 6 are closed at once.
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> closed.stream().filter(CompletableFuture::isDone).count() >= 6);
            assertThat(broker.meters.get("outpost.broker.connections.refused").counter().count()).isGreaterThanOrEqualTo(6);
            assertThat(broker.broker.stats().connections()).isLessThanOrEqualTo(2 + 32);
            assertThat(a.isOpen() && b.isOpen()).isTrue();
        } finally {
            for (Socket s : silent) {
                s.close();
            }
        }
    }
}
