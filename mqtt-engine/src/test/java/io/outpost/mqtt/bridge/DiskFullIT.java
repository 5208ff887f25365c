package io.outpost.mqtt.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.outpost.mqtt.internal.bridge.testing.BridgeHarness;
import io.outpost.mqtt.internal.bridge.testing.CloudClient;
import io.outpost.testing.ExternalProcess;
import io.outpost.testing.Mosquitto;
import io.outpost.testing.link.LinkEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk (ENOSPC from the kernel) without root: the gateway ({@link DiskFullChild}) runs in its own user
 * and mount namespace ({@code unshare -rm}), where it may mount a 2 MB tmpfs that nobody else sees. Its queue fills
 * the disk while the link is down; messages are refused as {@code disk-full} with a metric and a log line, taken
 * again once space is freed, and every accepted one reaches the cloud in order. The store's reaction to ENOSPC and
 * EIO in every detail is tested without any mount on simulated files ({@code DiskFaultTest}, {@code PowerCutTest}).
 */
class DiskFullIT {

    @TempDir
    Path dir;

    @Test
    void a_full_disk_refuses_messages_with_a_metric_and_a_log_and_they_are_accepted_again_once_space_is_freed()
            throws Exception {
        assumeTrue(Mosquitto.installed(), "mosquitto is not installed (Debian package mosquitto); skipping");
        assumeTrue(namespacesAllowed(), "unshare -rm is not allowed here (no unprivileged user namespaces); skipping");
        Path small = Files.createDirectories(dir.resolve("small"));
        try (Mosquitto cloud = BridgeHarness.cloud(dir.resolve("cloud"), "max_queued_messages 0");
             LinkEmulator link = LinkEmulator.start("127.0.0.1", cloud.port());
             CloudClient sub = CloudClient.connect(cloud.port()).subscribe("sites/#", 1)) {
            link.down();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            try (ExternalProcess child = ExternalProcess.start("disk-full", List.of("unshare", "-rm", "sh", "-c",
                    "mount -t tmpfs -o size=2m tmpfs \"$0\" && exec \"$@\"", small.toString(),
                    java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), DiskFullChild.class.getName(),
                    small.resolve("data").toString(), Integer.toString(link.port()), Integer.toString(1200 * 1024)),
                    null)) {
                child.awaitLine("DONE"::equals, Duration.ofMinutes(2));
                List<String> out = child.output();
                List<String> accepted = out.stream().filter(l -> l.startsWith("ACCEPTED ")).map(l -> l.substring(9))
                        .toList();

                assertThat(out).contains("REFUSED disk-full");
                assertThat(out.stream().filter(l -> l.startsWith("REFUSED "))).containsExactly("REFUSED disk-full");
                assertThat(accepted).hasSizeGreaterThan(100).endsWith("after-9");
                assertThat(out).filteredOn(l -> l.startsWith("DROPPED ")).singleElement()
                        .satisfies(l -> assertThat(Long.parseLong(l.substring(8))).isPositive());
                assertThat(out).anyMatch(l -> l.contains("refusing messages (disk-full)"));

                link.up();
                sub.awaitCount(accepted.size(), Duration.ofSeconds(60));
                assertThat(sub.received()).extracting(CloudClient.Received::payload).containsExactlyElementsOf(accepted);
            }
        }
    }

    private static boolean namespacesAllowed() throws InterruptedException {
        if (!ExternalProcess.available("unshare")) {
            return false;
        }
        try (ExternalProcess p = ExternalProcess.start("unshare", List.of("unshare", "-rm", "true"), null)) {
            return p.waitFor(Duration.ofSeconds(30)) == 0;
        }
    }
}
