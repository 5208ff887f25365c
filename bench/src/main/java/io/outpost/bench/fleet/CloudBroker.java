package io.outpost.bench.fleet;

import io.outpost.bench.e2e.ProcessSample;
import io.outpost.testing.Mosquitto;
import io.outpost.testing.RabbitMqCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cloud broker of the fleet benchmark, with the message counters it keeps itself: mosquitto's {@code $SYS}
 * counters, or the global counters of every RabbitMQ node ({@code rabbit_global_counters:overview()}).
 */
interface CloudBroker extends AutoCloseable {

    /** Node URIs, in the order the gateways list them. */
    List<String> servers();

    /** "3.1.1" (RabbitMQ 3.x) or "5". */
    String mqttVersion();

    /** The fleet link's subscription QoS (0 on a RabbitMQ 3.x cluster, see docs/fleet.md). */
    int subscribeQos();

    String describe();

    /** The broker's counters now, by name (a fresh reading: may wait for the next $SYS interval). */
    Map<String, Long> counters() throws Exception;

    /** Resident memory of the broker's processes, KiB. */
    long rssKb();

    @Override
    void close();

    static CloudBroker mosquitto(Path dir) {
        return new MosquittoCloud(Mosquitto.start(dir, "sys_interval 1", "max_queued_messages 10000"));
    }

    static CloudBroker rabbitCluster(Path dir) {
        return new RabbitCloud(RabbitMqCluster.start(dir, "o18s", 2));
    }

    /** Mosquitto, counted by its {@code $SYS/broker/...} topics (published every second). */
    final class MosquittoCloud implements CloudBroker {
        private final Mosquitto mosquitto;

        MosquittoCloud(Mosquitto mosquitto) {
            this.mosquitto = mosquitto;
        }

        @Override
        public List<String> servers() {
            return List.of("mqtt://127.0.0.1:" + mosquitto.port());
        }

        @Override
        public String mqttVersion() {
            return "5";
        }

        @Override
        public int subscribeQos() {
            return 1;
        }

        @Override
        public String describe() {
            return "mosquitto " + version() + " (one node, loopback)";
        }

        private static String version() {
            try {
                Process p = new ProcessBuilder(Mosquitto.BINARY, "-h").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                Matcher m = Pattern.compile("version (\\S+)").matcher(out);
                return m.find() ? m.group(1) : "?";
            } catch (java.io.IOException e) {
                return "?";
            }
        }

        @Override
        public Map<String, Long> counters() throws Exception {
            Map<String, Long> values = new ConcurrentHashMap<>();
            // messages/received and sent count every packet (PUBLISH, PUBACK, PINGREQ...); publish/messages/... the
            // PUBLISH packets alone.
            List<String> wanted = List.of("$SYS/broker/publish/messages/received", "$SYS/broker/publish/messages/sent",
                    "$SYS/broker/messages/received", "$SYS/broker/messages/sent", "$SYS/broker/clients/connected");
            Process p = new ProcessBuilder("mosquitto_sub", "-p", Integer.toString(mosquitto.port()), "-h", "127.0.0.1",
                    "-v", "-W", "5", "-C", Integer.toString(wanted.size()), "-t", wanted.get(0), "-t", wanted.get(1), "-t",
                    wanted.get(2), "-t", wanted.get(3), "-t", wanted.get(4)).redirectErrorStream(true).start();
            // A fresh subscription gets the retained values of the last interval; they are at most a second old.
            for (String line : new String(p.getInputStream().readAllBytes()).split("\n")) {
                String[] kv = line.trim().split(" ", 2);
                if (kv.length == 2 && wanted.contains(kv[0])) {
                    values.put(kv[0].substring("$SYS/broker/".length()), Long.parseLong(kv[1].trim()));
                }
            }
            p.waitFor();
            return new java.util.TreeMap<>(values);
        }

        @Override
        public long rssKb() {
            return ProcessSample.of(mosquitto.process().pid()).rssKb();
        }

        @Override
        public void close() {
            mosquitto.close();
        }
    }

    /** A two-node RabbitMQ cluster (MQTT plugin, 3.1.1), counted by each node's global counters. */
    final class RabbitCloud implements CloudBroker {
        /** The counters reported (the others: dead-lettering, streams, returns). */
        private static final Pattern COUNTER = Pattern.compile("(messages_(?:received|routed|confirmed|delivered|"
                + "acknowledged|unroutable_dropped|delivered_consume_auto_ack|delivered_consume_manual_ack)_total)"
                + " => (\\d+)");
        private final RabbitMqCluster cluster;

        RabbitCloud(RabbitMqCluster cluster) {
            this.cluster = cluster;
        }

        @Override
        public List<String> servers() {
            return cluster.nodes().stream().map(RabbitMqCluster.Node::uri).toList();
        }

        @Override
        public String mqttVersion() {
            return "3.1.1";
        }

        @Override
        public int subscribeQos() {
            return 0;
        }

        @Override
        public String describe() {
            return "RabbitMQ 3.10 cluster of " + cluster.nodes().size() + " nodes (Debian rabbitmq-server, MQTT plugin, loopback)";
        }

        /** Sums {@code rabbit_global_counters:overview()} over the nodes (every protocol and queue type). */
        @Override
        public Map<String, Long> counters() {
            Map<String, Long> sum = new java.util.TreeMap<>();
            for (RabbitMqCluster.Node n : cluster.nodes()) {
                String out = cluster.rabbitmqctl(n, "eval", "rabbit_global_counters:overview().");
                Matcher m = COUNTER.matcher(out);
                while (m.find()) {
                    sum.merge(m.group(1), Long.parseLong(m.group(2)), Long::sum);
                }
            }
            return sum;
        }

        @Override
        public long rssKb() {
            long total = 0;
            for (RabbitMqCluster.Node n : cluster.nodes()) {
                List<ProcessHandle> all = new ArrayList<>(n.process().descendants().toList());
                for (ProcessHandle h : all) {
                    if (h.info().command().orElse("").endsWith("beam.smp")) {
                        total += ProcessSample.of(h.pid()).rssKb();
                    }
                }
            }
            return total;
        }

        @Override
        public void close() {
            cluster.close();
        }
    }
}
