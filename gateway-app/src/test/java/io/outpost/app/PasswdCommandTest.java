package io.outpost.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.mqtt.broker.auth.PasswordHasher;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswdCommandTest {

    private final InputStream originalIn = System.in;

    @TempDir
    Path dir;

    @AfterEach
    void restore() {
        System.setIn(originalIn);
    }

    private int passwd(String stdin, String... args) {
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        return Main.run(args);
    }

    @Test
    void adds_changes_lists_and_removes_users_with_salted_hashes() throws Exception {
        Path file = dir.resolve("passwd");

        assertThat(passwd("s3cret\n", "passwd", file.toString(), "hmi", "--stdin")).isZero();
        assertThat(passwd("other\n", "passwd", file.toString(), "scada", "--stdin")).isZero();
        String first = Files.readString(file);
        assertThat(first).doesNotContain("s3cret").contains("hmi:").contains("scada:");
        String hmiHash = first.lines().filter(l -> l.startsWith("hmi:")).findFirst().orElseThrow().substring(4);
        assertThat(PasswordHasher.verify(hmiHash, "s3cret".toCharArray())).isTrue();
        assertThat(PasswordHasher.verify(hmiHash, "wrong".toCharArray())).isFalse();

        assertThat(passwd("n3w\n", "passwd", file.toString(), "hmi", "--stdin")).isZero();
        String changed = Files.readString(file).lines().filter(l -> l.startsWith("hmi:")).findFirst().orElseThrow();
        assertThat(PasswordHasher.verify(changed.substring(4), "n3w".toCharArray())).isTrue();

        assertThat(passwd("", "passwd", file.toString(), "scada", "--delete")).isZero();
        assertThat(Files.readString(file)).doesNotContain("scada:");
        assertThat(passwd("", "passwd", file.toString(), "nobody", "--delete")).isEqualTo(ExitCodes.INVALID);
        assertThat(passwd("x\n", "passwd", file.toString(), "bad:name", "--stdin")).isEqualTo(ExitCodes.INVALID);
    }
}
