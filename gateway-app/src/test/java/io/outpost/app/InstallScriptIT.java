package io.outpost.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.outpost.testing.ExternalProcess;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution built by {@code mvn package} installed with {@code systemd/install.sh} into a scratch root, as
 * an operator would on a site box; the unit file checked by systemd's own verifier.
 */
class InstallScriptIT {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path root;

    private static Path archive() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().endsWith("-dist.tar.gz")).findFirst()
                    .orElseThrow(() -> new AssertionError("run mvn package first: no target/*-dist.tar.gz"))
                    .toAbsolutePath();
        }
    }

    private static ExternalProcess.Result run(List<String> command) throws Exception {
        ExternalProcess p = ExternalProcess.start(command.get(0), command, REPO);
        int status = p.waitFor(Duration.ofMinutes(2));
        return new ExternalProcess.Result(status, String.join("\n", p.output()));
    }

    private void prepareScratchRoot() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\n");
        Files.writeString(root.resolve("etc/shadow"), "root:*:19000:0:99999:7:::\n");
        Files.writeString(root.resolve("etc/gshadow"), "root:*::\n");
    }

    @Test
    void install_script_creates_user_directories_config_and_unit_and_keeps_config_on_upgrade() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "the install script creates a system user: run as root");
        prepareScratchRoot();
        List<String> install = new ArrayList<>(List.of("bash", REPO.resolve("systemd/install.sh").toString(),
                "--root", root.toString(), archive().toString()));

        ExternalProcess.Result first = run(install);

        assertThat(first.status()).as(first.output()).isZero();
        assertThat(Files.readString(root.resolve("etc/passwd"))).containsPattern("(?m)^outpost:x:\\d+:\\d+:Outpost edge gateway:/var/lib/outpost:/usr/sbin/nologin$");
        assertThat(Files.readString(root.resolve("etc/group"))).containsPattern("(?m)^dialout:x:\\d+:outpost$");
        assertThat(root.resolve("opt/outpost/bin/outpost")).isExecutable();
        assertThat(root.resolve("opt/outpost/lib")).isDirectoryContaining("glob:**/gateway-app-*.jar");
        assertThat(root.resolve("etc/systemd/system/outpost.service")).exists();
        assertThat(Files.getPosixFilePermissions(root.resolve("var/lib/outpost"))).doesNotContain(PosixFilePermission.OTHERS_READ);
        assertThat(first.output()).contains("wrote a default /etc/outpost/outpost.yaml");

        // An operator edits the config; an upgrade must keep it.
        Files.writeString(root.resolve("etc/outpost/outpost.yaml"), "# edited on site\n", java.nio.file.StandardOpenOption.APPEND);
        ExternalProcess.Result second = run(install);

        assertThat(second.status()).as(second.output()).isZero();
        assertThat(Files.readString(root.resolve("etc/outpost/outpost.yaml"))).endsWith("# edited on site\n");
        assertThat(Files.readString(root.resolve("etc/passwd")).lines().filter(l -> l.startsWith("outpost:"))).hasSize(1);

        // The installed default config is valid, with the installed launcher.
        ExternalProcess.Result validate = run(List.of(root.resolve("opt/outpost/bin/outpost").toString(), "validate",
                REPO.resolve("configs/outpost.yaml").toString()));
        assertThat(validate.status()).as(validate.output()).isZero();

        // systemd's verifier checks the installed unit against this host's systemd (the scratch root has no
        // targets), with ExecStart pointing at the launcher inside the scratch root so that it must exist.
        assumeTrue(ExternalProcess.available("systemd-analyze"), "systemd-analyze is not installed");
        Path unit = root.resolve("verify/outpost.service");
        Files.createDirectories(unit.getParent());
        Files.writeString(unit, Files.readString(root.resolve("etc/systemd/system/outpost.service"))
                .replace("/opt/outpost/bin/outpost", root.resolve("opt/outpost/bin/outpost").toString()));
        ExternalProcess.Result verify = run(List.of("systemd-analyze", "verify", unit.toString()));
        assertThat(verify.status()).as(verify.output()).isZero();
        assertThat(verify.output()).doesNotContain("Unknown key", "Invalid", "not executable");
    }

    @Test
    void install_keeps_the_program_roots_and_the_configuration_roots_with_the_service_group_reading_it()
            throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "the install script creates a system user: run as root");
        prepareScratchRoot();
        // An archive whose entries name another owner, as a tampered or carelessly built one could.
        Path unpacked = Files.createDirectories(root.resolve("unpacked"));
        assertThat(run(List.of("tar", "-xzf", archive().toString(), "-C", unpacked.toString())).status()).isZero();
        Path foreign = root.resolve("foreign-owner-dist.tar.gz");
        String top;
        try (Stream<Path> children = Files.list(unpacked)) {
            top = children.findFirst().orElseThrow().getFileName().toString();
        }
        ExternalProcess.Result repack = run(List.of("tar", "-czf", foreign.toString(), "--owner=4242", "--group=4242",
                "-C", unpacked.toString(), top));
        assertThat(repack.status()).as(repack.output()).isZero();
        // An admin's password file from before, and the state of an earlier install that chowned /etc/outpost.
        Files.createDirectories(root.resolve("etc/outpost"));
        Files.writeString(root.resolve("etc/outpost/passwd"), "# users\n");
        Files.setPosixFilePermissions(root.resolve("etc/outpost/passwd"), PosixFilePermissions.fromString("rw-------"));

        ExternalProcess.Result result = run(List.of("bash", REPO.resolve("systemd/install.sh").toString(), "--root",
                root.toString(), foreign.toString()));

        assertThat(result.status()).as(result.output()).isZero();
        int gid = Integer.parseInt(Files.readString(root.resolve("etc/group")).lines()
                .filter(l -> l.startsWith("outpost:")).findFirst().orElseThrow().split(":")[2]);
        try (Stream<Path> program = Files.walk(root.resolve("opt/outpost"))) {
            assertThat(program).as("no file keeps the archive's owner").allSatisfy(f ->
                    assertThat((Integer) Files.getAttribute(f, "unix:uid", LinkOption.NOFOLLOW_LINKS)).as(f.toString())
                            .isZero());
        }
        assertOwner(root.resolve("etc/outpost"), 0, gid, "rwxr-x---");
        assertOwner(root.resolve("etc/outpost/outpost.yaml"), 0, gid, "rw-r-----");
        assertOwner(root.resolve("etc/outpost/passwd"), 0, gid, "rw-r-----");
        assertThat((Integer) Files.getAttribute(root.resolve("var/lib/outpost"), "unix:gid")).isEqualTo(gid);
        assertThat((Integer) Files.getAttribute(root.resolve("var/lib/outpost"), "unix:uid")).isNotZero();
    }

    private static void assertOwner(Path file, int uid, int gid, String mode) throws Exception {
        assertThat((Integer) Files.getAttribute(file, "unix:uid")).as(file + " owner").isEqualTo(uid);
        assertThat((Integer) Files.getAttribute(file, "unix:gid")).as(file + " group").isEqualTo(gid);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file + " mode").isEqualTo(mode);
    }

    @Test
    void debian_package_holds_the_program_the_unit_and_the_config_as_conffile() throws Exception {
        assumeTrue(ExternalProcess.available("dpkg-deb"), "dpkg-deb is not installed");
        Path deb;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            deb = files.filter(p -> p.getFileName().toString().endsWith(".deb")).findFirst().orElseThrow();
        }

        ExternalProcess.Result contents = run(List.of("dpkg-deb", "--contents", deb.toAbsolutePath().toString()));
        ExternalProcess.Result conffiles = run(List.of("dpkg-deb", "--info", deb.toAbsolutePath().toString(), "conffiles"));

        assertThat(contents.output()).contains("./opt/outpost/bin/outpost", "./lib/systemd/system/outpost.service",
                "./etc/outpost/outpost.yaml", "./var/lib/outpost/", "./opt/outpost/licenses/GPL-3.0-adapter-bacnet.txt");
        assertThat(conffiles.output().trim()).isEqualTo("/etc/outpost/outpost.yaml");
    }
}
