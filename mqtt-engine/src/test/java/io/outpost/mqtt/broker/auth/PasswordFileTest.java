package io.outpost.mqtt.broker.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordFileTest {

    @TempDir
    Path dir;

    private final PasswordHasher fast = new PasswordHasher(1_000, new SecureRandom());

    @Test
    void hashes_are_salted_and_verify_only_the_right_password() {
        String a = fast.hash("secret".toCharArray());
        String b = fast.hash("secret".toCharArray());
        assertThat(a).startsWith("$pbkdf2-sha512$1000$").isNotEqualTo(b);
        assertThat(PasswordHasher.verify(a, "secret".toCharArray())).isTrue();
        assertThat(PasswordHasher.verify(a, "Secret".toCharArray())).isFalse();
        assertThat(PasswordHasher.verify("$pbkdf2-sha512$x$y$z", "secret".toCharArray())).isFalse();
    }

    @Test
    void the_default_work_factor_is_owasps_for_pbkdf2_sha512() {
        assertThat(new PasswordHasher().hash("x".toCharArray())).startsWith("$pbkdf2-sha512$210000$");
    }

    @Test
    void the_editor_adds_updates_and_removes_users_keeping_comments_and_no_access_for_others() throws IOException {
        Path file = dir.resolve("passwd");
        PasswordFileEditor editor = new PasswordFileEditor(file, fast);
        assertThat(editor.setPassword("hmi", "one".toCharArray())).isTrue();
        assertThat(editor.setPassword("scada", "two".toCharArray())).isTrue();
        assertThat(editor.setPassword("hmi", "three".toCharArray())).isFalse();
        assertThat(editor.users()).containsExactly("hmi", "scada");
        PasswordFile read = PasswordFile.read(file);
        assertThat(PasswordHasher.verify(read.hashOf("hmi"), "three".toCharArray())).isTrue();
        assertThat(Files.readAllLines(file).get(0)).startsWith("#");
        // Issue 15: a new file is root:outpost 0640 as installed, so that the service (its group) can read it.
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
        assertThat(editor.remove("hmi")).isTrue();
        assertThat(editor.remove("hmi")).isFalse();
        assertThat(editor.users()).containsExactly("scada");
    }

    @Test
    void user_names_that_cannot_be_stored_are_refused() {
        PasswordFileEditor editor = new PasswordFileEditor(dir.resolve("p"), fast);
        assertThatThrownBy(() -> editor.setPassword("a:b", "x".toCharArray())).hasMessageContaining("':'");
        assertThatThrownBy(() -> editor.setPassword("", "x".toCharArray())).hasMessageContaining("empty");
        assertThatThrownBy(() -> editor.setPassword("ok", new char[0])).hasMessageContaining("password");
    }

    @Test
    void an_unreadable_line_is_reported_with_its_number() throws IOException {
        Path file = dir.resolve("broken");
        Files.writeString(file, "# users\nhmi:" + fast.hash("x".toCharArray()) + "\nscada:plaintext\n");
        assertThatThrownBy(() -> PasswordFile.read(file)).hasMessageContaining(file + ":3").hasMessageContaining("scada");
    }
}
