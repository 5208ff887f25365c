package io.outpost.adapter.bacnet.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.adapter.bacnet.config.BacnetObjectRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiscoveryOutputTest {

    @Test
    void object_names_become_safe_unique_point_ids_and_objects_without_value_are_left_out() {
        String yaml = BacnetPointListYaml.render("ahu-1", new DiscoveredDevice(1001, "192.0.2.20", 47808, 0, 1476, "segmented-both", 5),
                List.of(new DiscoveredObject(new BacnetObjectRef(0, 1), "AHU1 Supply Temp.", "°C", "after the coil\nsecond line"),
                        new DiscoveredObject(new BacnetObjectRef(0, 2), "AHU1 Supply Temp.", "°C", ""),
                        new DiscoveredObject(new BacnetObjectRef(4, 3), "", "", ""),
                        new DiscoveredObject(new BacnetObjectRef(15, 1), "alarms", "", "")));

        assertThat(yaml).isEqualTo("""
                  - id: ahu-1
                    protocol: bacnet
                    connection: {device-instance: 1001, address: 192.0.2.20, port: 47808}
                    points:
                      - {id: ahu1-supply-temp, object: analog-input:1, unit: "°C"}   # after the coil second line
                      - {id: ahu1-supply-temp-2, object: analog-input:2, unit: "°C"}
                      - {id: binary-output-3, object: binary-output:3}   # commandable: add writable: true and a priority to command it
                """);
    }

    @Test
    void a_device_behind_a_router_is_configured_by_instance_only() {
        String yaml = BacnetPointListYaml.render("vav-7", new DiscoveredDevice(7007, "", 0, 5, 480, "no-segmentation", 5), List.of());

        assertThat(yaml).contains("connection: {device-instance: 7007}\n");
    }

    @Test
    void the_tables_show_one_line_per_device_and_object() {
        String devices = DiscoveryTable.devices(List.of(new DiscoveredDevice(1001, "192.0.2.20", 47808, 0, 1476, "segmented-both", 5),
                new DiscoveredDevice(7007, "", 0, 5, 480, "no-segmentation", 8)));
        String objects = DiscoveryTable.objects(List.of(new DiscoveredObject(new BacnetObjectRef(0, 1), "zone-temp", "°C", "a\nb")));

        assertThat(devices.lines()).hasSize(3);
        assertThat(devices.lines().skip(1)).first().asString().startsWith("1001").contains("192.0.2.20:47808").contains("segmented-both");
        assertThat(devices).contains("network 5 (routed)");
        assertThat(objects.lines().skip(1)).singleElement().asString().startsWith("analog-input:1").contains("zone-temp")
                .contains("°C").endsWith("a b");
    }
}
