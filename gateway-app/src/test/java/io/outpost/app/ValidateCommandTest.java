package io.outpost.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The validate command as a user runs it: exit status and what it prints. Uses the core's "test" protocol. */
class ValidateCommandTest {

    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("site.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void valid_config_exits_0_and_says_what_it_holds() throws Exception {
        Path file = write("""
                gateway: {id: gw, data-dir: ./data}
                devices:
                  - id: d1
                    protocol: test
                    points: [{id: p1, address: 1}, {id: p2, address: 2}]
                """);

        int status = Main.run("validate", file.toString());

        assertThat(status).isEqualTo(ExitCodes.OK);
        assertThat(console.out()).contains("is valid: gateway gw, 1 device(s), 2 point(s)");
    }

    @Test
    void config_with_mistakes_exits_2_and_lists_every_one_with_file_line_and_path() throws Exception {
        Path file = write("""
                gateway: {id: gw, data-dir: ./data}
                devices:
                  - id: d1
                    protocol: test
                    pol-interval: 1s
                    connection: {port: 99999}
                    points:
                      - {id: p1}
                      - {id: p1, address: 2}
                """);

        int status = Main.run("validate", file.toString());

        assertThat(status).isEqualTo(ExitCodes.INVALID);
        String printed = console.err();
        assertThat(printed).contains("has 4 problem(s)")
                .contains(file + ":5:5: devices[0].pol-interval: unknown key 'pol-interval'; did you mean 'poll-interval'?")
                .contains(file + ":6:24: devices[0].connection.port: must be between 1 and 65535, found 99999")
                .contains(file + ":8:9: devices[0].points[0].address: required key 'address' is missing")
                .contains(file + ":9:14: devices[0].points[1].id: point id 'p1' is used twice");
    }

    @Test
    void basic_auth_for_the_operations_endpoint_off_loopback_needs_tls() throws Exception {
        Path file = write("""
                gateway: {id: gw, data-dir: ./data}
                http: {bind: 0.0.0.0, username: ops, password: pa55}
                devices:
                  - id: d1
                    protocol: test
                    points: [{id: p1, address: 1}]
                """);

        int status = Main.run("validate", file.toString());

        assertThat(status).isEqualTo(ExitCodes.INVALID);
        assertThat(console.err()).contains("http.bind: basic auth over plain HTTP on 0.0.0.0 sends the password in clear");
    }

    @Test
    void an_invalid_point_id_or_type_is_one_mistake_with_one_message() throws Exception {
        Path file = write("""
                gateway: {id: gw, data-dir: ./data}
                devices:
                  - id: plc
                    protocol: modbus
                    connection: {transport: tcp, host: 127.0.0.1, port: 502}
                    points:
                      - {id: "temp#1", address: 40001, type: int16}
                      - {id: "temp 2", address: 40002, type: float32}
                      - {id: temp3, address: 40004, type: int17}
                """);

        int status = Main.run("validate", file.toString());

        assertThat(status).isEqualTo(ExitCodes.INVALID);
        String printed = console.err();
        assertThat(printed).contains("has 3 problem(s)").contains("points[0].id").contains("points[1].id")
                .contains("points[2].type").doesNotContain("required key 'type' is missing");
    }

    @Test
    void missing_file_exits_2() {
        int status = Main.run("validate", dir.resolve("nope.yaml").toString());

        assertThat(status).isEqualTo(ExitCodes.INVALID);
        assertThat(console.err()).contains("cannot read the file");
    }

    @Test
    void version_is_printed() {
        int status = Main.run("--version");

        assertThat(status).isEqualTo(ExitCodes.OK);
        assertThat(console.out()).startsWith("outpost 0.1.0-SNAPSHOT");
    }
}
