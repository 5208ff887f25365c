package io.outpost.bench.jmh;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.outpost.core.message.Message;
import io.outpost.mqtt.api.TopicFilter;
import io.outpost.mqtt.internal.broker.routing.Subscriber;
import io.outpost.mqtt.internal.broker.routing.Subscription;
import io.outpost.mqtt.internal.broker.routing.TopicTree;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How matching a topic against the subscription index scales with the number of subscriptions: one subscriber per
 * point topic of a site ({@code site/device-n/point-m}) plus a few wildcard subscribers (an HMI on {@code site/#},
 * a historian on {@code site/+/+}). The cost should follow the topic's depth, not the subscription count.
 *
 * <pre>java -cp bench/target/classes:$(cat bench/target/bench-classpath.txt) org.openjdk.jmh.Main TopicTreeBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TopicTreeBenchmark {

    @Param({"100", "10000", "100000"})
    int subscriptions;

    private final TopicTree tree = new TopicTree();
    private String[] topics;
    private int next;

    /** A subscriber that is never delivered to: the benchmark measures matching only. */
    private static final class Idle implements Subscriber {
        @Override
        public String clientId() {
            return "c";
        }

        @Override
        public EventExecutor executor() {
            return ImmediateEventExecutor.INSTANCE;
        }

        @Override
        public boolean online() {
            return true;
        }

        @Override
        public void deliver(Message message, int qos, boolean retain, int[] subscriptionIds) {
            throw new UnsupportedOperationException();
        }
    }

    @Setup
    public void fill() {
        int devices = Math.max(1, subscriptions / 20);
        List<String> all = new ArrayList<>();
        for (int i = 0; i < subscriptions; i++) {
            String topic = "site/device-" + (i % devices) + "/point-" + (i / devices);
            all.add(topic);
            tree.add(new Subscription(new Idle(), null, TopicFilter.parse(topic), 1, false, false, 0, 0));
        }
        tree.add(new Subscription(new Idle(), null, TopicFilter.parse("site/#"), 1, false, false, 0, 0));
        tree.add(new Subscription(new Idle(), null, TopicFilter.parse("site/+/+"), 1, false, false, 0, 0));
        topics = all.toArray(String[]::new);
    }

    @Benchmark
    public int matchOnePointTopic() {
        List<Subscription> out = new ArrayList<>(4);
        tree.match(topics[next++ % topics.length], out);
        return out.size();
    }
}
