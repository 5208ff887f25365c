package io.outpost.mqtt.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.mqtt.internal.broker.testing.TestBroker;
import io.outpost.testing.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A browser lets any web page open a WebSocket to any address and says which page with the Origin header: a page
 * from another site must not reach the broker through a local operator's browser (cross-site WebSocket hijacking,
 * DNS rebinding). Handshakes are sent by hand so that the Origin is exactly what a browser would send.
 */
class WebSocketOriginIT {

    @TempDir
    Path dir;
    TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.start(dir, """
                listeners:
                  - {name: ws, type: ws, bind: 127.0.0.1, port: %d}
                  - {name: hmi, type: ws, bind: 127.0.0.1, port: %d, allowed-origins: ["https://hmi.example.com"]}
                """.formatted(FreePorts.tcp(), FreePorts.tcp()));
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    /** The status line of the answer to a WebSocket handshake for MQTT with this Origin (null: none). */
    private String handshake(String listener, String origin) throws IOException {
        int port = broker.port(listener);
        try (Socket s = new Socket("127.0.0.1", port)) {
            String request = "GET /mqtt HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + port + "\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Protocol: mqtt\r\n"
                    + (origin == null ? "" : "Origin: " + origin + "\r\n")
                    + "\r\n";
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(10_000);
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void by_default_only_pages_of_this_machine_and_programs_without_an_origin_may_connect() throws IOException {
        assertThat(handshake("ws", "http://evil.example")).startsWith("HTTP/1.1 403");
        assertThat(handshake("ws", "http://rebound.example:8083")).as("DNS rebinding: a foreign name for our address")
                .startsWith("HTTP/1.1 403");
        assertThat(handshake("ws", "null")).as("a sandboxed page or a file").startsWith("HTTP/1.1 403");
        assertThat(handshake("ws", "http://127.0.0.1:8080")).startsWith("HTTP/1.1 101");
        assertThat(handshake("ws", "http://localhost:1880")).startsWith("HTTP/1.1 101");
        assertThat(handshake("ws", null)).as("not a browser").startsWith("HTTP/1.1 101");
        assertThat(broker.meters.get("outpost.broker.websocket.origin.refused").counter().count()).isEqualTo(3);
    }

    @Test
    void a_listener_with_allowed_origins_takes_exactly_those() throws IOException {
        assertThat(handshake("hmi", "https://hmi.example.com")).startsWith("HTTP/1.1 101");
        assertThat(handshake("hmi", "https://HMI.example.com:443")).startsWith("HTTP/1.1 101");
        assertThat(handshake("hmi", "http://hmi.example.com")).as("another scheme is another origin").startsWith("HTTP/1.1 403");
        assertThat(handshake("hmi", "http://127.0.0.1:8080")).startsWith("HTTP/1.1 403");
    }
}
