package io.outpost.mqtt.bridge;

import io.outpost.core.message.MessageRejectedException;
import io.outpost.mqtt.internal.bridge.testing.BridgeHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;

/**
 * The gateway of {@link DiskFullIT}, run on a small tmpfs that only it sees (a mount namespace): a bridge whose queue
 * fills the disk. Publishes numbered 1 KB messages until one is refused, frees space, publishes ten more, then idles
 * until killed. Prints {@code READY}, {@code ACCEPTED <payload>}, {@code REFUSED <reason>}, {@code DROPPED <count>}
 * and {@code DONE}.
 *
 * <p>Arguments: data dir (on the small disk), upstream port, bytes of the filler file beside the data dir.
 */
public final class DiskFullChild {

    private DiskFullChild() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        Path filler = data.resolveSibling("filler");
        Files.write(filler, new byte[Integer.parseInt(args[2])]);
        BridgeHarness h = new BridgeHarness(data);
        h.start("""
                upstreams:
                  - name: cloud
                    servers: ["mqtt://127.0.0.1:%d"]
                    backoff: {initial: 100ms, max: 500ms}
                    store: {max-bytes: 64MB}
                    forward:
                      - {from: "north-field/#", to: "sites/{topic}", qos: 1}
                """.formatted(port));
        System.out.println("READY");
        String kb = "x".repeat(1000);
        for (int i = 0; i < 5000; i++) {
            String refused = publish(h, i + ":" + kb);
            if (refused != null) {
                System.out.println("REFUSED " + refused);
                break;
            }
        }
        var dropped = h.meters.find("outpost.bridge.messages.dropped").tags("upstream", "cloud", "reason", "disk-full")
                .counter();
        System.out.println("DROPPED " + (dropped == null ? 0 : (long) dropped.count()));
        Files.delete(filler);
        for (int i = 0; i < 10; i++) {
            String refused = publish(h, "after-" + i);
            if (refused != null) {
                System.out.println("REFUSED " + refused);
            }
        }
        System.out.println("DONE");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    /** Publishes; prints and returns null when accepted, else returns the reason it was refused. */
    private static String publish(BridgeHarness h, String payload) {
        try {
            h.local.publish("north-field/t", payload, 1).toCompletableFuture().join();
            System.out.println("ACCEPTED " + payload);
            return null;
        } catch (CompletionException e) {
            return e.getCause() instanceof MessageRejectedException r ? r.reason() : e.getCause().toString();
        }
    }
}
