package io.outpost.adapter.bacnet.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outpost.adapter.bacnet.BacnetAdapterFactory;
import io.outpost.core.config.ConfigException;
import io.outpost.core.config.ConfigProblem;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.spi.AdapterCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BacnetConfigTest {

    private static final String GATEWAY = "gateway: {id: gw, site: site, data-dir: /tmp/outpost-test}\n";

    private static GatewayConfig load(String yaml) throws ConfigException {
        return new ConfigLoader(new AdapterCatalog(List.of(new BacnetAdapterFactory())), List.of(new BacnetSection()),
                PayloadFormats.standard().names(), new Interpolator(name -> null)).parse(yaml, Path.of("site.yaml"));
    }

    private static List<String> problems(String yaml) {
        try {
            load(yaml);
        } catch (ConfigException e) {
            return e.problems().stream().map(ConfigProblem::toString).toList();
        }
        throw new AssertionError("expected configuration problems");
    }

    @Test
    void without_a_bacnet_section_the_local_device_has_defaults_derived_from_the_gateway() throws Exception {
        BacnetNetworkConfig net = load(GATEWAY).section("bacnet", BacnetNetworkConfig.class).orElseThrow();

        assertThat(net.deviceInstance()).isEqualTo(BacnetSection.defaultInstance("gw")).isBetween(4_190_000, 4_194_302);
        assertThat(net.deviceName()).isEqualTo("outpost-gw");
        assertThat(net.port()).isEqualTo(47808);
        assertThat(net.bind()).isEqualTo("0.0.0.0");
        assertThat(net.broadcast()).isEqualTo("255.255.255.255");
        assertThat(net.bbmd()).isNull();
        assertThat(net.requestDeadline()).isEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void the_example_configuration_is_valid() throws Exception {
        Path example = Path.of("../../configs/bacnet.yaml");
        GatewayConfig config = load(Files.readString(example));

        BacnetNetworkConfig net = config.section("bacnet", BacnetNetworkConfig.class).orElseThrow();
        assertThat(net.deviceInstance()).isEqualTo(4194001);
        assertThat(config.devices()).isNotEmpty();
    }

    @Test
    void a_full_device_and_its_points_are_read() throws Exception {
        GatewayConfig config = load(GATEWAY + """
                bacnet:
                  device-instance: 4194001
                  device-name: outpost-pump-7
                  port: 47809
                  bind: 192.0.2.10
                  broadcast: 192.0.2.255
                  bbmd: {address: 198.51.100.1, port: 47808, ttl: 10m}
                  apdu-timeout: 2s
                  apdu-retries: 2
                devices:
                  - id: ahu-1
                    protocol: bacnet
                    cov-lifetime: 10m
                    cov-confirmed: true
                    connection: {device-instance: 1001, address: 192.0.2.20}
                    points:
                      - {id: supply-temp, object: AI:1, cov: true, cov-increment: 0.2}
                      - {id: fan-cmd, object: binary-output:3, writable: true, priority: 8}
                      - {id: mode, object: multistate-value:2, property: present-value}
                      - {id: slot, object: 1:4, property: priority-array, index: 8}
                """);

        BacnetNetworkConfig net = config.section("bacnet", BacnetNetworkConfig.class).orElseThrow();
        assertThat(net.bbmd()).isEqualTo(new BacnetNetworkConfig.BbmdRegistration("198.51.100.1", 47808, Duration.ofMinutes(10)));
        assertThat(net.requestDeadline()).isEqualTo(Duration.ofSeconds(6));
        BacnetDeviceSettings d = config.devices().get(0).settings(BacnetDeviceSettings.class);
        assertThat(d).isEqualTo(new BacnetDeviceSettings(1001, "192.0.2.20", 47808, Duration.ofMinutes(10), true,
                Duration.ofSeconds(30), true));
        List<BacnetPointSettings> points = config.devices().get(0).points().stream()
                .map(p -> p.settings(BacnetPointSettings.class)).toList();
        assertThat(points).containsExactly(
                new BacnetPointSettings(new BacnetObjectRef(0, 1), 85, null, true, 0.2f, null),
                new BacnetPointSettings(new BacnetObjectRef(4, 3), 85, null, false, null, 8),
                new BacnetPointSettings(new BacnetObjectRef(19, 2), 85, null, false, null, null),
                new BacnetPointSettings(new BacnetObjectRef(1, 4), 87, 8, false, null, null));
        assertThat(points.get(3).describe()).isEqualTo("analog-output:4 priority-array[8]");
    }

    @Test
    void mistakes_are_all_reported_with_line_key_and_a_suggestion() {
        List<String> problems = problems(GATEWAY + """
                bacnet:
                  device-instance: 4194303
                  broadcast: 192.168.1
                  bbmd: {port: 47808}
                devices:
                  - id: ahu-1
                    protocol: bacnet
                    connection: {address: 192.0.2.20, prot: 47808}
                    points:
                      - {id: a, object: anolog-input:1}
                      - {id: b, object: analog-input}
                      - {id: c, object: AI:1, property: presnt-value}
                      - {id: d, object: AI:1, priority: 8}
                      - {id: e, object: AI:1, cov-increment: 0.5}
                      - {id: f, object: AI:1, index: 2, cov: true}
                      - {id: g}
                """);

        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("site.yaml:3:20: bacnet.device-instance: must be between 0 and 4194302"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("bacnet.broadcast: expected an IPv4 address"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("bacnet.bbmd.address: required key 'address' is missing"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("devices[0].connection.device-instance: required key"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("unknown key 'prot'; did you mean 'port'?"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("site.yaml:11:")
                .contains("unknown object type 'anolog-input'; did you mean 'analog-input'?"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("'analog-input' is not an object; write it as type:instance"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("unknown property 'presnt-value'; did you mean 'present-value'?"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("points[3].priority: a write priority needs writable: true"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("points[4].cov-increment: only applies with cov: true"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("points[5].cov: COV cannot watch one element"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("points[6].object: required key 'object' is missing"));
    }

    @Test
    void two_cov_points_on_one_property_must_agree_on_the_increment() {
        assertThatThrownBy(() -> load(GATEWAY + """
                devices:
                  - id: ahu-1
                    protocol: bacnet
                    connection: {device-instance: 1}
                    points:
                      - {id: a, object: AI:1, cov: true, cov-increment: 0.5}
                      - {id: b, object: AI:1, cov: true, cov-increment: 1}
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("different cov-increment");
    }
}
