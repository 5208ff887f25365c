package io.outpost.mqtt.internal.broker.protocol;

import io.outpost.mqtt.broker.config.BrokerLimits;
import io.outpost.mqtt.broker.config.ClientPolicy;
import io.outpost.mqtt.internal.broker.auth.AccessPolicy;
import io.outpost.mqtt.internal.broker.auth.Authenticator;
import io.outpost.mqtt.internal.broker.retain.RetainedStore;
import io.outpost.mqtt.internal.broker.session.SessionRegistry;
import io.outpost.mqtt.internal.broker.stats.BrokerStats;
import java.time.Clock;

/**
 * What every connection handler shares: sessions, authentication, the access rules in force (ACL, users, command
 * topics), the client policy, limits, the retained store (for its bound), counters, the clock, and the rate-limited
 * log of protocol violations. Thread-safe parts only.
 */
public record ProtocolContext(SessionRegistry sessions, Authenticator authenticator, AccessPolicy access,
                              ClientPolicy clients, BrokerLimits limits, RetainedStore retained, BrokerStats stats,
                              Clock clock, RateLimitedLog violations) {
}
