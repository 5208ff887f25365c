package io.outpost.adapter.bacnet;

import io.outpost.adapter.bacnet.sim.BacnetSimulator;

/** Configuration snippets for tests: a gateway on loopback and devices pointing at simulators. */
final class Yaml {

    private Yaml() {
    }

    /**
     * The gateway and its BACnet device on loopback. Timeouts are short enough for outage tests and long enough
     * for a loaded machine: 1 s per try, one retry.
     */
    static String gateway(int bacnetPort, String... extraBacnetLines) {
        StringBuilder b = new StringBuilder("""
                gateway: {id: gw, site: site, data-dir: /tmp/outpost-bacnet-test}
                bacnet:
                  device-instance: 4194001
                  device-name: outpost-test
                  bind: 127.0.0.1
                  broadcast: 127.0.0.1
                  apdu-timeout: 1s
                  apdu-retries: 1
                """);
        b.append("  port: ").append(bacnetPort).append('\n');
        for (String line : extraBacnetLines) {
            b.append("  ").append(line).append('\n');
        }
        return b.append("devices:\n").toString();
    }

    /** A device at a simulator's address; {@code settings} are extra device keys, {@code points} the point items. */
    static String device(String id, BacnetSimulator sim, String settings, String points) {
        return device(id, sim.instance(), sim.port(), settings, points);
    }

    /** A device at 127.0.0.1:{@code port}, a simulator's or a relay's in front of one. */
    static String device(String id, int instance, int port, String settings, String points) {
        return "  - id: " + id + "\n"
                + "    protocol: bacnet\n"
                + "    timeout: 5s\n"
                + "    backoff: {initial: 200ms, max: 1s}\n"
                + "    connection: {device-instance: " + instance + ", address: 127.0.0.1, port: " + port + "}\n"
                + (settings.isEmpty() ? "" : "    " + settings.replace("\n", "\n    ") + "\n")
                + "    points:\n"
                + points;
    }
}
