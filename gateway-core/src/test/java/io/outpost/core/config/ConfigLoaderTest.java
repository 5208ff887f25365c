package io.outpost.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.point.DataType;
import io.outpost.core.spi.AdapterCatalog;
import io.outpost.core.testing.TestAdapterFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static final Map<String, String> ENV = Map.of("BROKER_PASSWORD", "s3cret-from-env");

    private final ConfigLoader loader = new ConfigLoader(new AdapterCatalog(List.of(new TestAdapterFactory())),
            List.of(new PortSection(), new NamesSection()), PayloadFormats.standard().names(), new Interpolator(ENV::get));

    /** A stand-in for a section another module owns, with a port and a secret. */
    record Listener(int port, Secret password) {
    }

    static final class PortSection implements ConfigSection<Listener> {
        @Override
        public String key() {
            return "listener";
        }

        @Override
        public Listener parse(ConfigNode node, GatewayIdentity gateway) {
            return new Listener(node.integer("port", 1883, 1, 65_535), node.secret("password").orElse(null));
        }
    }

    /** A stand-in for a list-shaped section (such as upstreams:) whose items name files next to the config. */
    record Named(String name, Path file) {
    }

    static final class NamesSection implements ConfigSection<List<Named>> {
        @Override
        public String key() {
            return "names";
        }

        @Override
        public boolean isList() {
            return true;
        }

        @Override
        public List<Named> parse(ConfigNode node, GatewayIdentity gateway) {
            return node.items().stream().map(item -> {
                Named n = new Named(item.string("name", "?"), item.resolvePath(item.string("file", ".")));
                item.rejectUnknownKeys();
                return n;
            }).toList();
        }
    }

    private static final String VALID = """
            gateway:
              id: pump-7
              site: north-field
              data-dir: /tmp/outpost-test
            publish:
              heartbeat: 10m
            listener:
              port: 1884
              password: ${env:BROKER_PASSWORD}
            devices:
              - id: tank-1
                protocol: test
                poll-interval: 500ms
                connection: {host: 10.0.0.5, port: 502}
                points:
                  - id: level
                    address: 40001
                    type: float32
                    unit: m
                    deadband: 0.05
                    scale: 0.1
                  - id: pump
                    address: 40010
                    type: bool
                    writable: true
                    topic: "{site}/pumps/{device}"
                    heartbeat: off
                  - id: temp
                    address: 40020
                    type: int16
                    deadband: 2%
                    range: [-40, 120]
                    poll-interval: 5s
            """;

    private GatewayConfig parse(String yaml) throws ConfigException {
        return loader.parse(yaml, Path.of("site.yaml"));
    }

    private static int lineOf(String yaml, String text) {
        String[] lines = yaml.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError("not in the YAML: " + text);
    }

    private List<ConfigProblem> problems(String yaml) {
        try {
            parse(yaml);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected the config to be refused");
    }

    @Test
    void a_site_of_100k_points_in_one_file_is_read() throws Exception {
        StringBuilder yaml = new StringBuilder("""
                gateway: {id: big, site: plant}
                devices:
                """);
        for (int d = 0; d < 1000; d++) {
            yaml.append("  - id: plc").append(d).append("\n    protocol: test\n    poll-interval: 1s\n    points:\n");
            for (int p = 0; p < 100; p++) {
                yaml.append("      - {id: register").append(p).append(", address: ").append(40001 + p)
                        .append(", type: float32}\n");
            }
        }
        assertThat(yaml.length()).as("larger than the YAML library's default limit").isGreaterThan(3 << 20);

        GatewayConfig config = parse(yaml.toString());

        assertThat(config.devices()).hasSize(1000);
        assertThat(config.devices().get(999).points()).hasSize(100);
    }

    @Test
    void valid_config_is_read_with_defaults_and_overrides() throws Exception {
        GatewayConfig config = parse(VALID);

        assertThat(config.gateway().id()).isEqualTo("pump-7");
        assertThat(config.gateway().dataDir()).isEqualTo(Path.of("/tmp/outpost-test"));
        assertThat(config.section("listener", Listener.class)).get().extracting(Listener::port).isEqualTo(1884);
        DeviceConfig tank = config.device("tank-1").orElseThrow();
        assertThat(tank.pollInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(tank.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(tank.settings(TestAdapterFactory.Device.class)).isEqualTo(new TestAdapterFactory.Device("10.0.0.5", 502));
        assertThat(tank.statusTopic()).isEqualTo("north-field/tank-1/_status");

        PointConfig level = tank.point("level").orElseThrow();
        assertThat(level.type()).isEqualTo(DataType.FLOAT32);
        assertThat(level.publication().topic()).isEqualTo("north-field/tank-1/level");
        assertThat(level.publication().qos()).isEqualTo(1);
        assertThat(level.publication().retain()).isTrue();
        assertThat(level.report().deadband()).isEqualTo(new Deadband(Deadband.Kind.ABSOLUTE, 0.05));
        assertThat(level.report().heartbeat()).isEqualTo(Duration.ofMinutes(10));
        assertThat(level.scaling()).isEqualTo(new Scaling(0.1, 0));
        assertThat(level.pollInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(level.settings(TestAdapterFactory.Point.class).address()).isEqualTo(40001);
        assertThat(level.writable()).isFalse();
        // Lines are for mistakes: a valid file is read without the YAML library's marks (see ConfigLoader.parse),
        // but the file stays known, since relative paths (certificates, keys) are taken from its folder.
        assertThat(level.location()).isEqualTo(SourceMark.inFile("site.yaml"));

        PointConfig pump = tank.point("pump").orElseThrow();
        assertThat(pump.publication().topic()).isEqualTo("north-field/pumps/tank-1");
        assertThat(pump.command()).isEqualTo(new CommandRoute("north-field/pumps/tank-1/set", "north-field/pumps/tank-1/set/result"));
        assertThat(pump.report().heartbeat()).isNull();

        PointConfig temp = tank.point("temp").orElseThrow();
        assertThat(temp.report().deadband()).isEqualTo(new Deadband(Deadband.Kind.PERCENT, 2));
        assertThat(temp.range()).isEqualTo(new Range(-40, 120));
        assertThat(temp.pollInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void a_list_section_gets_its_items_with_paths_relative_to_the_config_file() throws Exception {
        String yaml = VALID + "names:\n  - {name: a, file: certs/ca.pem}\n  - {name: b, file: /etc/b.pem}\n";

        GatewayConfig config = loader.parse(yaml, Path.of("/etc/outpost/site.yaml"));

        @SuppressWarnings("unchecked")
        List<Named> names = config.section("names", List.class).orElseThrow();
        assertThat(names).containsExactly(new Named("a", Path.of("/etc/outpost/certs/ca.pem")),
                new Named("b", Path.of("/etc/b.pem")));
    }

    @Test
    void a_list_section_reports_a_mapping_and_unknown_keys_of_its_items() {
        assertThat(problems(VALID + "names: {name: a}\n")).singleElement()
                .satisfies(p -> assertThat(p.message()).startsWith("expected a list"));
        assertThat(problems(VALID + "names:\n  - {nam: a}\n")).singleElement()
                .satisfies(p -> assertThat(p.path()).isEqualTo("names[0].nam"));
    }

    @Test
    void secrets_come_from_the_environment_and_never_print() throws Exception {
        Listener listener = parse(VALID).section("listener", Listener.class).orElseThrow();

        assertThat(listener.password().reveal()).isEqualTo("s3cret-from-env");
        assertThat(listener.toString()).doesNotContain("s3cret").contains("******");
    }

    @Test
    void secrets_come_from_files(@TempDir Path dir) throws Exception {
        Path secretFile = dir.resolve("pw");
        Files.writeString(secretFile, "from-file\n");
        String yaml = VALID.replace("${env:BROKER_PASSWORD}", "${file:" + secretFile + "}");

        assertThat(parse(yaml).section("listener", Listener.class).orElseThrow().password().reveal()).isEqualTo("from-file");
    }

    @Test
    void a_missing_secret_names_the_variable_but_no_value() {
        List<ConfigProblem> problems = problems(VALID.replace("BROKER_PASSWORD", "NOT_SET_ANYWHERE"));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("listener.password");
            assertThat(p.mark().line()).isEqualTo(lineOf(VALID, "password:"));
            assertThat(p.message()).isEqualTo("environment variable NOT_SET_ANYWHERE is not set");
        });
    }

    @Test
    void misspelled_key_is_reported_with_line_path_and_suggestion() {
        String yaml = VALID.replace("    address: 40010", "    adress: 40010");

        List<ConfigProblem> problems = problems(yaml);

        assertThat(problems).extracting(ConfigProblem::path)
                .containsExactlyInAnyOrder("devices[0].points[1].adress", "devices[0].points[1].address");
        ConfigProblem unknown = problems.stream().filter(p -> p.path().endsWith("adress")).findFirst().orElseThrow();
        int line = lineOf(yaml, "adress:");
        int column = yaml.split("\n")[line - 1].indexOf("adress") + 1;
        assertThat(unknown.mark()).isEqualTo(new SourceMark("site.yaml", line, column));
        assertThat(unknown.message()).startsWith("unknown key 'adress'; did you mean 'address'?");
        assertThat(unknown.toString()).startsWith("site.yaml:" + line + ":" + column + ": devices[0].points[1].adress: ");
    }

    @Test
    void wrong_type_is_reported() {
        String yaml = VALID.replace("poll-interval: 500ms", "poll-interval: fast");

        assertThat(problems(yaml)).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("devices[0].poll-interval");
            assertThat(p.mark().line()).isEqualTo(lineOf(yaml, "poll-interval: fast"));
            assertThat(p.message()).isEqualTo("expected a duration such as 500ms, 10s, 5m, 2h or 1d, found 'fast'");
        });
    }

    @Test
    void out_of_range_port_is_reported() {
        String yaml = VALID.replace("port: 502", "port: 70000");

        assertThat(problems(yaml)).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("devices[0].connection.port");
            assertThat(p.mark().line()).isEqualTo(lineOf(yaml, "port: 70000"));
            assertThat(p.message()).isEqualTo("must be between 1 and 65535, found 70000");
        });
    }

    @Test
    void missing_point_address_is_reported_by_the_adapter() {
        String yaml = VALID.replace("        address: 40020\n", "");

        assertThat(problems(yaml)).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("devices[0].points[2].address");
            assertThat(p.mark().line()).isEqualTo(lineOf(yaml, "- id: temp"));
            assertThat(p.message()).startsWith("required key 'address' is missing");
        });
    }

    @Test
    void duplicate_point_id_is_reported_with_the_first_place() {
        String yaml = VALID.replace("- id: temp", "- id: level");

        assertThat(problems(yaml)).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("devices[0].points[2].id");
            assertThat(p.mark().line()).isEqualTo(lineOf(VALID, "- id: temp"));
            assertThat(p.message()).contains("point id 'level' is used twice in device 'tank-1'")
                    .contains("first at line " + lineOf(VALID, "- id: level"));
        });
    }

    @Test
    void every_mistake_of_a_file_is_reported_at_once_in_file_order() {
        String yaml = VALID
                .replace("port: 502", "port: 0")
                .replace("unit: m", "unti: m")
                .replace("type: bool", "type: boolean")
                .replace("        address: 40020\n", "")
                .replace("- id: temp", "- id: pump")
                .replace("  heartbeat: 10m", "  heartbeat: 10m\n  qos: 3");

        List<ConfigProblem> problems = problems(yaml);

        assertThat(problems).extracting(ConfigProblem::path).containsExactly(
                "publish.qos",
                "devices[0].connection.port",
                "devices[0].points[0].unti",
                "devices[0].points[1].type",
                "devices[0].points[2].address",
                "devices[0].points[2].id");
        assertThat(problems).allSatisfy(p -> assertThat(p.mark().line()).isPositive());
        assertThat(problems.get(3).message()).contains("did you mean 'bool'?");
    }

    @Test
    void unknown_protocol_suggests_the_close_one() {
        String yaml = VALID.replace("protocol: test", "protocol: tset");

        assertThat(problems(yaml)).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("devices[0].protocol");
            assertThat(p.message()).isEqualTo("unknown protocol 'tset'; did you mean 'test'? available: test");
        });
    }

    @Test
    void two_points_on_one_topic_are_refused() {
        String yaml = VALID.replace("topic: \"{site}/pumps/{device}\"", "topic: \"{site}/{device}/level\"");

        assertThat(problems(yaml)).singleElement().satisfies(p ->
                assertThat(p.message()).contains("topic 'north-field/tank-1/level' of point tank-1/pump is already used by point tank-1/level"));
    }

    @Test
    void unknown_topic_placeholder_is_refused() {
        String yaml = VALID.replace("{site}/pumps/{device}", "{site}/pumps/{dev}");

        assertThat(problems(yaml)).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("devices[0].points[1].topic");
            assertThat(p.message()).startsWith("unknown placeholder {dev}; allowed:");
        });
    }

    @Test
    void yaml_syntax_error_names_the_line() {
        String yaml = "gateway:\n  id: x\ndevices:\n  - id: [unclosed\n";

        assertThat(problems(yaml)).singleElement().satisfies(p -> {
            assertThat(p.mark().line()).isEqualTo(5);
            assertThat(p.message()).startsWith("YAML syntax:");
        });
    }

    @Test
    void duplicate_keys_in_a_mapping_are_refused() {
        String yaml = VALID.replace("    unit: m\n", "    unit: m\n        unit: cm\n");

        assertThat(problems(yaml)).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("devices[0].points[0].unit");
            assertThat(p.message()).contains("appears twice");
        });
    }

    @Test
    void yaml_merge_keys_share_settings_between_devices() throws Exception {
        String yaml = """
                gateway: {id: gw, data-dir: /tmp/x}
                devices:
                  - &pump
                    id: pump-1
                    protocol: test
                    poll-interval: 2s
                    points: [{id: speed, address: 1}]
                  - <<: *pump
                    id: pump-2
                """;
        GatewayConfig config = parse(yaml);

        assertThat(config.devices()).extracting(DeviceConfig::id).containsExactly("pump-1", "pump-2");
        assertThat(config.device("pump-2").orElseThrow().pollInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.device("pump-2").orElseThrow().points().get(0).publication().topic()).isEqualTo("gw/pump-2/speed");
    }

    @Test
    void relative_data_dir_is_relative_to_the_config_file() throws Exception {
        String yaml = "gateway: {id: gw, data-dir: ./data}\n";

        GatewayConfig config = loader.parse(yaml, Path.of("/etc/outpost/outpost.yaml"));

        assertThat(config.gateway().dataDir()).isEqualTo(Path.of("/etc/outpost/data"));
    }

    @Test
    void unreadable_file_is_a_config_problem(@TempDir Path dir) {
        assertThatThrownBy(() -> loader.load(dir.resolve("missing.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot read the file");
    }
}
