package io.outpost.mqtt.internal.bridge.crash;

import io.outpost.mqtt.internal.bridge.testing.BridgeHarness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The gateway process {@link CommandRestartIT} kills: a bridge whose reverse rule takes QoS 2 commands from the
 * upstream ({@code cmd/#} to the local {@code local/#}), and a local subscriber that appends every command it gets
 * to {@code executed.log} (a write to the page cache, which a SIGKILL does not lose) before printing it.
 *
 * <p>Arguments: data dir, state dir, upstream port.
 */
public final class CommandChild {

    private CommandChild() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path state = Path.of(args[1]);
        int port = Integer.parseInt(args[2]);
        BridgeHarness h = new BridgeHarness(data);
        FileChannel log = FileChannel.open(state.resolve("executed.log"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        h.local.subscribe("local/#", 2, m -> {
            String line = m.topic() + " " + new String(m.payload(), StandardCharsets.UTF_8) + "\n";
            try {
                synchronized (log) {
                    log.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            System.out.print("EXECUTED " + line);
            System.out.flush();
        });
        h.start("""
                upstreams:
                  - name: cloud
                    servers: ["mqtt://127.0.0.1:%d"]
                    # Loopback to the test's mosquitto: commands over plain TCP are refused unless allowed.
                    allow-plaintext: true
                    client-id: command-child
                    session-expiry: 1h
                    will: off
                    reverse:
                      - {from: "cmd/#", to: "local/{#}", qos: 2}
                """.formatted(port));
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
