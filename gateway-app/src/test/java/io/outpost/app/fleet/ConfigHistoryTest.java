package io.outpost.app.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigHistoryTest {

    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theLastNConfigs_areKeptNamedByVersionAndHash_andTheHighestVersionIsRemembered() throws Exception {
        Path file = dir.resolve("outpost.yaml");
        Files.writeString(file, "v0");
        ConfigHistory h = new ConfigHistory(file, 3);

        for (int v = 1; v <= 5; v++) {
            h.received(v, bytes("v" + v), SignedEnvelope.sha256(bytes("v" + v)));
        }

        assertThat(h.kept()).extracting(p -> p.getFileName().toString().split("-")[0]).containsExactly("5", "4", "3");
        assertThat(h.isKept(5, SignedEnvelope.sha256(bytes("v5")))).isTrue();
        assertThat(h.highestVersion()).isEqualTo(5);
        assertThat(new ConfigHistory(file, 3).highestVersion()).as("after a restart").isEqualTo(5);
    }

    @Test
    void aPendingConfig_isUndoneAtTheNextStart_andTheRollbackIsKeptForReporting() throws Exception {
        Path file = dir.resolve("outpost.yaml");
        Files.writeString(file, "before");
        ConfigHistory h = new ConfigHistory(file, 3);
        h.beginPending(7, "abc", Files.readAllBytes(file));
        Files.writeString(file, "after");

        assertThat(new ConfigHistory(file, 1).recoverAtStart()).isPresent();

        assertThat(Files.readString(file)).isEqualTo("before");
        assertThat(h.pending()).isEmpty();
        assertThat(h.unreported()).hasValueSatisfying(p -> assertThat(p.getProperty("version")).isEqualTo("7"));
        assertThat(new ConfigHistory(file, 1).recoverAtStart()).as("only once").isEmpty();
    }

    @Test
    void aConfirmedConfig_isNotUndoneAtStart() throws Exception {
        Path file = dir.resolve("outpost.yaml");
        Files.writeString(file, "before");
        ConfigHistory h = new ConfigHistory(file, 3);
        h.beginPending(7, "abc", Files.readAllBytes(file));
        Files.writeString(file, "after");
        h.confirm(7, "abc");

        assertThat(new ConfigHistory(file, 1).recoverAtStart()).isEmpty();

        assertThat(Files.readString(file)).isEqualTo("after");
        assertThat(h.appliedVersion()).isEqualTo(7);
    }
}
