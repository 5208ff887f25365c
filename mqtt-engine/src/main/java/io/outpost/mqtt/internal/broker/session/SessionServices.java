package io.outpost.mqtt.internal.broker.session;

import io.outpost.mqtt.broker.config.BrokerLimits;
import io.outpost.mqtt.broker.config.ClientPolicy;
import io.outpost.mqtt.internal.broker.auth.AccessPolicy;
import io.outpost.mqtt.internal.broker.limits.SessionQuotas;
import io.outpost.mqtt.internal.broker.retain.RetainedStore;
import io.outpost.mqtt.internal.broker.routing.TopicTree;
import io.outpost.mqtt.internal.broker.stats.BrokerStats;
import java.time.Clock;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every session uses: where accepted messages go, the subscription tree, retained messages, limits, counters
 * and the wall clock. {@code changes} moves whenever persistent session state changes, so that the saver can skip
 * a save when nothing changed. {@code access} is the ACL and users in force (checked on resume, on reload and at
 * delivery), {@code clients} how sessions of other users are treated, {@code quotas} the broker-wide bounds,
 * {@code pressure} carries subscribers' back-pressure to publishers.
 */
public record SessionServices(MessageAcceptor acceptor, TopicTree tree, RetainedStore retained, BrokerLimits limits,
                              BrokerStats stats, Clock clock, LongAdder changes, AccessPolicy access,
                              ClientPolicy clients, SessionQuotas quotas, PublisherPressure pressure) {
}
