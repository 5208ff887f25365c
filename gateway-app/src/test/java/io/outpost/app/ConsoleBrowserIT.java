package io.outpost.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.outpost.testing.ExternalProcess;
import io.outpost.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console in a real browser (Debian's chromium driven by playwright-core, never a downloaded browser)
 * against the demo with a scheduled uplink outage: the page loads, the points update, the upstream goes down and
 * comes back, the filter works.
 */
class ConsoleBrowserIT {

    private static final Path NODE_DIR = Path.of("src/test/node").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void console_shows_points_updating_and_the_upstream_going_down_and_up() throws Exception {
        assumeTrue(ExternalProcess.available("node"), "node is not installed");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")), "Debian's chromium is not installed (apt-get install chromium)");
        assumeTrue(Files.isDirectory(NODE_DIR.resolve("node_modules/playwright-core")),
                "playwright-core is not installed: run scripts/test.sh (npm ci in " + NODE_DIR + ")");
        int http = FreePorts.tcp();
        try (ExternalProcess demo = DemoIT.startDemo(dir.resolve("demo"), FreePorts.tcp(), FreePorts.tcp(), http,
                "--duration", "5m", "--outage-after", "25s", "--outage-for", "20s")) {
            demo.awaitLine(l -> l.startsWith("Outpost demo is running"), Duration.ofSeconds(60));
            Path screenshot = Path.of("target/console.png").toAbsolutePath();
            try (ExternalProcess browser = ExternalProcess.start("console-test", List.of("node",
                    NODE_DIR.resolve("console-test.mjs").toString(), "http://127.0.0.1:" + http + "/", screenshot.toString()),
                    NODE_DIR)) {
                int status = browser.waitFor(Duration.ofMinutes(4));
                assertThat(browser.output()).as(String.join("\n", browser.output())).contains("OK");
                assertThat(status).isZero();
            }
        }
    }
}
