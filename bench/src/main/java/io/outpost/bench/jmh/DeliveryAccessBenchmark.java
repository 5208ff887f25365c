package io.outpost.bench.jmh;

import io.outpost.mqtt.broker.config.Access;
import io.outpost.mqtt.broker.config.AclRule;
import io.outpost.mqtt.internal.broker.auth.AccessPolicy;
import io.outpost.mqtt.internal.broker.auth.AccessView;
import io.outpost.mqtt.internal.broker.auth.ClientIdentity;
import io.outpost.mqtt.internal.broker.auth.CommandTopics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the read check costs each delivery (issue 15: rights are checked at delivery, not only at SUBSCRIBE). A
 * session normally only asks whether the rules changed since it applied them ({@code rulesUnchanged}); it matches
 * the topic against its user's rules only for subscriptions a deny rule cuts into ({@code topicCheck}). The ACL is
 * a site's: an HMI user with five grants and one deny, among rules for other users.
 *
 * <pre>java -cp bench/target/classes:$(cat bench/target/bench-classpath.txt) org.openjdk.jmh.Main DeliveryAccessBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DeliveryAccessBenchmark {

    private AccessView view;
    private String[] topics;
    private int next;

    @Setup
    public void rules() {
        List<AclRule> acl = new ArrayList<>();
        for (int u = 0; u < 20; u++) {
            acl.add(new AclRule("user-" + u, null, "site/area-" + u + "/#", Access.READ));
        }
        acl.add(new AclRule("hmi", null, "site/#", Access.READ));
        acl.add(new AclRule("hmi", null, "site/+/+/set", Access.WRITE));
        acl.add(new AclRule("hmi", null, "alarms/#", Access.READ));
        acl.add(new AclRule("hmi", null, "$SYS/#", Access.READ));
        acl.add(new AclRule(null, null, "clients/%c/#", Access.READWRITE));
        acl.add(new AclRule("hmi", null, "site/+/maintenance/#", Access.DENY));
        AccessPolicy policy = new AccessPolicy(acl, new CommandTopics(), false);
        view = new AccessView(policy, new ClientIdentity("panel-1", "hmi", ClientIdentity.Kind.PASSWORD));
        topics = new String[1000];
        for (int i = 0; i < topics.length; i++) {
            topics[i] = "site/device-" + (i % 50) + "/point-" + i;
        }
    }

    /** The usual delivery: have the rules changed? */
    @Benchmark
    public boolean rulesUnchanged() {
        return view.stale();
    }

    /** A delivery through a subscription a deny rule cuts into: the topic against the user's rules. */
    @Benchmark
    public boolean topicCheck() {
        return view.current().mayRead(topics[next++ % topics.length]);
    }
}
