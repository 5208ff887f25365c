package io.outpost.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.mqtt.broker.auth.PasswordHasher;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
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

    @Test
    void editing_keeps_the_files_owner_group_and_mode_so_the_service_can_still_read_it() throws Exception {
        Path file = dir.resolve("passwd");
        assertThat(passwd("s3cret\n", "passwd", file.toString(), "hmi", "--stdin")).isZero();
        // As installed: root:outpost 0640 (here a group and owner that are not the test's own).
        var view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        var lookup = file.getFileSystem().getUserPrincipalLookupService();
        view.setOwner(lookup.lookupPrincipalByName("daemon"));
        view.setGroup(lookup.lookupPrincipalByGroupName("daemon"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

        assertThat(passwd("other\n", "passwd", file.toString(), "scada", "--stdin")).isZero();
        assertThat(passwd("", "passwd", file.toString(), "hmi", "--delete")).isZero();

        PosixFileAttributes after = Files.readAttributes(file, PosixFileAttributes.class);
        assertThat(after.owner().getName()).isEqualTo("daemon");
        assertThat(after.group().getName()).isEqualTo("daemon");
        assertThat(PosixFilePermissions.toString(after.permissions())).isEqualTo("rw-r-----");
        assertThat(Files.readString(file)).contains("scada:").doesNotContain("hmi:");
    }

    @Test
    void a_new_file_is_created_0640_with_the_group_of_its_directory() throws Exception {
        Path etc = Files.createDirectory(dir.resolve("etc-outpost"));
        Files.getFileAttributeView(etc, PosixFileAttributeView.class)
                .setGroup(etc.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("daemon"));
        Path file = etc.resolve("passwd");

        assertThat(passwd("s3cret\n", "passwd", file.toString(), "hmi", "--stdin")).isZero();

        PosixFileAttributes created = Files.readAttributes(file, PosixFileAttributes.class);
        assertThat(created.group().getName()).isEqualTo("daemon");
        assertThat(PosixFilePermissions.toString(created.permissions())).isEqualTo("rw-r-----");
    }

    @Test
    void a_file_that_cannot_be_read_fails_loudly_and_is_left_as_it_was() throws Exception {
        Path file = dir.resolve("passwd");
        Files.writeString(file, "hmi-without-a-hash\n");

        assertThat(passwd("s3cret\n", "passwd", file.toString(), "scada", "--stdin")).isEqualTo(ExitCodes.FAILURE);
        assertThat(passwd("", "passwd", file.toString(), "--list")).isEqualTo(ExitCodes.FAILURE);

        assertThat(Files.readString(file)).isEqualTo("hmi-without-a-hash\n");
    }
}
