package io.outpost.app.demo;

/**
 * The demo's configuration: written out as a file the user can read and copy from, because it is also the best
 * example of a config that uses all three protocols, the broker and an upstream.
 */
public final class DemoConfig {

    private DemoConfig() {
    }

    public record Ports(int broker, int http, int cloud, int modbus, int opcua, int bacnetSimulator, int bacnetLocal) {
    }

    public static String gateway(String dataDir, Ports p) {
        return """
                # Written by `outpost demo`: the demo gateway's configuration. Everything runs on this machine.
                gateway:
                  id: demo-gateway
                  site: demo
                  data-dir: %1$s/gateway

                publish:
                  topic: "{site}/{device}/{point}"     # e.g. demo/tank/level
                  qos: 1
                  retain: true
                  heartbeat: 1m

                broker:
                  listeners:
                    - {name: local, type: tcp, bind: 127.0.0.1, port: %2$d}
                  anonymous-commands: true   # the demo's mosquitto_pub examples do not log in (loopback only)

                http:
                  bind: 127.0.0.1
                  port: %3$d

                upstreams:
                  - name: cloud
                    servers: ["mqtt://127.0.0.1:%4$d"]
                    allow-plaintext: true
                    client-id: demo-gateway
                    keep-alive: 10s
                    stall-timeout: 15s
                    backoff: {initial: 1s, max: 5s}
                    forward:
                      - {from: "demo/#", to: "cloud/{topic}", qos: 1}
                    reverse:
                      - {from: "commands/demo-gateway/#", to: "demo/{#}"}

                bacnet:
                  device-instance: 4194100
                  device-name: outpost-demo
                  bind: 127.0.0.1
                  broadcast: 127.0.0.1
                  port: %8$d
                  bbmd: {address: 127.0.0.1, port: %7$d, ttl: 5m}

                devices:
                  - id: tank
                    protocol: modbus
                    poll-interval: 1s
                    timeout: 2s
                    connection: {host: 127.0.0.1, port: %5$d}
                    points:
                      - id: level
                        address: 40001
                        type: float32
                        byte-order: CDAB
                        unit: m
                        deadband: 0.01
                        range: [0, 12]
                        alarms:   # state on demo/demo-gateway/alarms/tank/level, events on .../event
                          hi: {limit: 6, deadband: 0.2, on-delay: 2s, priority: high, message: "Tank above 6 m"}
                          bad-quality: {on-delay: 10s, priority: low, message: "No level reading"}
                      - {id: pump, address: 00001, type: bool, writable: true}
                      - {id: pump-running, address: 10001}
                      - {id: high-level-alarm, address: 40010.3, qos: 2}
                      - {id: flow, address: 30001, type: uint16, scale: 0.1, unit: m3/h}
                      - {id: setpoint, address: 40020, type: int16, scale: 0.1, range: [0, 12], writable: true}
                      - {id: energy, address: 40030, type: uint32, byte-order: CDAB, unit: kWh, poll-interval: 10s}

                  - id: boiler
                    protocol: opcua
                    poll-interval: 1s
                    connection:
                      endpoint: opc.tcp://127.0.0.1:%6$d/outpost
                      security-policy: basic256sha256
                      security-mode: sign-and-encrypt
                      auth: {username: %9$s, password: %10$s}
                      trust-server: auto-accept      # lab only: a real site trusts the server's certificate in the PKI folder
                    subscription: {publishing-interval: 500ms}
                    points:
                      - {id: temperature, node: "nsu=urn:outpost:simulator;s=Boiler/Temperature", unit: degC, deadband: 0.2}
                      - {id: pressure, browse-path: /Objects/Boiler/Pressure, unit: bar, deadband: 1%%, range: [0, 10]}
                      - {id: running, node: "nsu=urn:outpost:simulator;s=Boiler/Running"}
                      - {id: setpoint, node: "nsu=urn:outpost:simulator;s=Boiler/Setpoint", writable: true, range: [20, 90]}

                  - id: ahu
                    protocol: bacnet
                    poll-interval: 2s
                    timeout: 5s
                    connection: {device-instance: %11$d, address: 127.0.0.1, port: %7$d}
                    points:
                      - {id: zone-temp, object: analog-input:1, cov: true, deadband: 0.1}
                      - {id: supply-fan, object: binary-output:1, writable: true, priority: 8}
                      - {id: mode, object: multi-state-value:1}
                      - {id: setpoint, object: analog-value:1, writable: true, priority: 12, range: [15, 28]}
                """.formatted(dataDir, p.broker(), p.http(), p.cloud(), p.modbus(), p.opcua(), p.bacnetSimulator(),
                p.bacnetLocal(), DemoSimulators.OPCUA_USER, DemoSimulators.OPCUA_PASSWORD, DemoSimulators.BACNET_INSTANCE);
    }

    /** The stand-in cloud broker: another instance of our broker, with its own data directory. */
    public static String cloud(String dataDir, int port) {
        return """
                gateway: {id: demo-cloud, data-dir: %s/cloud}
                broker:
                  listeners: [{name: cloud, type: tcp, bind: 127.0.0.1, port: %d}]
                http: {enabled: false}
                """.formatted(dataDir, port);
    }
}
