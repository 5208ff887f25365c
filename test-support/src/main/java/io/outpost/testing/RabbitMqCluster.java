package io.outpost.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A RabbitMQ cluster with the MQTT plugin (Debian package {@code rabbitmq-server}, 3.10: MQTT 3.1.1 only) on
 * loopback, for tests that need a clustered broker: every node runs from a folder of its own under {@code dir}
 * (data, logs, config, Erlang cookie), with its own AMQP, distribution and MQTT ports, and the nodes find each other
 * through an epmd on a port of the cluster's own, so that nothing is shared with a RabbitMQ of the machine.
 * Nodes 2.. join node 1. {@link #kill} ends a node at once (SIGKILL: a crashed node); {@link #close} stops every
 * node it started and that epmd. Starting takes 15-30 s per node.
 */
public final class RabbitMqCluster implements AutoCloseable {

    public static final String SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    public static final String CTL = "/usr/lib/rabbitmq/bin/rabbitmqctl";

    /** One node: its name and MQTT port. */
    public record Node(String name, int mqttPort, Path dir, Process process) {
        public String uri() {
            return "mqtt://127.0.0.1:" + mqttPort;
        }
    }

    private final Path dir;
    private final int epmdPort;
    private final List<Node> nodes = new ArrayList<>();

    private RabbitMqCluster(Path dir, int epmdPort) {
        this.dir = dir;
        this.epmdPort = epmdPort;
    }

    public static boolean installed() {
        return Files.isExecutable(Path.of(SERVER)) && Files.isDirectory(Path.of("/usr/lib/rabbitmq/lib"));
    }

    /** Starts {@code size} nodes named {@code <prefix>1..} and clusters them; blocks until all serve MQTT. */
    public static RabbitMqCluster start(Path dir, String prefix, int size) {
        RabbitMqCluster cluster = new RabbitMqCluster(dir, FreePorts.tcp());
        try {
            for (int i = 1; i <= size; i++) {
                cluster.startNode(prefix + i);
            }
            for (int i = 1; i < size; i++) {
                String node = cluster.nodes.get(i).name();
                cluster.ctl(node, "stop_app");
                cluster.ctl(node, "join_cluster", cluster.nodes.get(0).name() + "@localhost");
                cluster.ctl(node, "start_app");
                cluster.awaitListening(cluster.nodes.get(i).mqttPort(), Duration.ofSeconds(120));
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void startNode(String name) {
        try {
            Path d = dir.resolve(name);
            Path home = d.resolve("home");
            Files.createDirectories(home);
            Path cookie = home.resolve(".erlang.cookie");
            Files.writeString(cookie, "OUTPOSTTESTCLUSTER" + epmdPort);
            Files.setPosixFilePermissions(cookie, PosixFilePermissions.fromString("r--------"));
            Files.writeString(d.resolve("enabled_plugins"), "[rabbitmq_mqtt].\n");
            int amqp = FreePorts.tcp();
            int dist = FreePorts.tcp();
            int mqtt = FreePorts.tcp();
            Files.writeString(d.resolve("rabbitmq.conf"), """
                    listeners.tcp.default = 127.0.0.1:%d
                    mqtt.listeners.tcp.default = 127.0.0.1:%d
                    mqtt.allow_anonymous = true
                    loopback_users = none
                    """.formatted(amqp, mqtt));
            ProcessBuilder pb = new ProcessBuilder(SERVER).directory(d.toFile()).redirectErrorStream(true)
                    .redirectOutput(d.resolve("console.log").toFile());
            Map<String, String> env = pb.environment();
            env.putAll(environment(name, d));
            env.put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
            env.put("RABBITMQ_NODE_PORT", Integer.toString(amqp));
            env.put("RABBITMQ_DIST_PORT", Integer.toString(dist));
            env.put("RABBITMQ_MNESIA_BASE", d.resolve("mnesia").toString());
            env.put("RABBITMQ_LOG_BASE", d.resolve("log").toString());
            env.put("RABBITMQ_ENABLED_PLUGINS_FILE", d.resolve("enabled_plugins").toString());
            env.put("RABBITMQ_CONFIG_FILE", d.resolve("rabbitmq").toString());
            env.put("RABBITMQ_ADVANCED_CONFIG_FILE", d.resolve("advanced.config").toString());
            env.put("RABBITMQ_CONF_ENV_FILE", d.resolve("rabbitmq-env.conf").toString());
            env.put("RABBITMQ_PID_FILE", d.resolve("pid").toString());
            // Two schedulers at most: the machine's cores are shared with the gateways under test.
            env.put("RABBITMQ_SERVER_ERL_ARGS", "+S 2:2 +A 4");
            env.put("RABBITMQ_LOGS", "-");
            Process p = pb.start();
            nodes.add(new Node(name, mqtt, d, p));
            awaitListening(mqtt, Duration.ofSeconds(120));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, String> environment(String name, Path d) {
        return Map.of("HOME", d.resolve("home").toString(), "RABBITMQ_NODENAME", name + "@localhost",
                "ERL_EPMD_PORT", Integer.toString(epmdPort));
    }

    /** Runs {@code rabbitmqctl -n <node> args...} (e.g. {@code eval}, {@code list_queues}); returns its output. */
    public String rabbitmqctl(Node node, String... args) {
        return ctl(node.name(), args);
    }

    private String ctl(String name, String... args) {
        Node n = nodes.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        List<String> command = new ArrayList<>(List.of(CTL, "-n", name + "@localhost"));
        command.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(environment(name, n.dir()));
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitListening(int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                // The node is still booting; try again shortly.
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalStateException("RabbitMQ did not listen on " + port + " within " + timeout.toSeconds()
                + " s; see " + dir);
    }

    /** Copies every node's log to {@code target/rabbitmq/<node>.log} (the test's folder goes with the test). */
    private void keepLogs() {
        try {
            Path target = Path.of("target", "rabbitmq");
            Files.createDirectories(target);
            for (Node n : nodes) {
                Path console = n.dir().resolve("console.log");
                if (Files.exists(console)) {
                    Files.copy(console, target.resolve(n.name() + ".log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            // The logs help a failing test's reader; a cluster that cannot copy them still stops.
            System.err.println("RabbitMQ logs not kept: " + e);
        }
    }

    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** Ends a node at once, as a crash does (SIGKILL to its Erlang VM and the script that started it). */
    public void kill(Node node) {
        node.process().descendants().forEach(ProcessHandle::destroyForcibly);
        node.process().destroyForcibly();
        try {
            node.process().waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        keepLogs();
        for (Node n : nodes) {
            if (n.process().isAlive()) {
                try {
                    ctl(n.name(), "stop");
                } catch (RuntimeException e) {
                    // A node that does not stop on request is ended below, like a crashed one.
                }
                kill(n);
            }
        }
        try {
            // The nodes started this epmd (a daemon of its own); it is ours to end.
            Process p = new ProcessBuilder("epmd", "-port", Integer.toString(epmdPort), "-kill")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
