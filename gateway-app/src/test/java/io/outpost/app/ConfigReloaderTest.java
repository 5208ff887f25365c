package io.outpost.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outpost.core.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReloaderTest {

    private static final String CONFIG = """
            gateway: {id: gw, data-dir: ./data}
            devices:
              - {id: d1, protocol: test, poll-interval: 1s, points: [{id: p, address: 1}]}
            """;

    @TempDir
    Path dir;

    @Test
    void a_changed_valid_file_is_applied_and_an_invalid_one_is_not() throws Exception {
        Path file = dir.resolve("outpost.yaml");
        Files.writeString(file, CONFIG);
        List<GatewayConfig> applied = new CopyOnWriteArrayList<>();

        try (ConfigReloader reloader = new ConfigReloader(file, new ConfigFiles(), applied::add).start(false)) {
            Files.writeString(file, CONFIG.replace("poll-interval: 1s", "poll-interval: 5s"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !applied.isEmpty());
            assertThat(applied.get(0).device("d1").orElseThrow().pollInterval()).isEqualTo(Duration.ofSeconds(5));

            // An editor that saves by renaming a temp file over the config.
            Path temp = dir.resolve(".outpost.yaml.swp");
            Files.writeString(temp, CONFIG.replace("poll-interval: 1s", "poll-interval: 7s"));
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            await().atMost(Duration.ofSeconds(10)).until(() -> applied.size() >= 2);
            assertThat(applied.get(applied.size() - 1).device("d1").orElseThrow().pollInterval()).isEqualTo(Duration.ofSeconds(7));

            int before = applied.size();
            Files.writeString(file, CONFIG.replace("poll-interval: 1s", "poll-interval: often"));
            assertThat(reloader.reload()).isFalse();
            await().during(Duration.ofMillis(ConfigReloader.SETTLE_MILLIS * 3)).atMost(Duration.ofSeconds(5))
                    .until(() -> applied.size() == before);
        }
    }
}
