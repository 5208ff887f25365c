package io.outpost.mqtt.broker.protocol;

import io.outpost.mqtt.broker.auth.AccessControl;
import io.outpost.mqtt.broker.auth.Authenticator;
import io.outpost.mqtt.broker.config.BrokerLimits;
import io.outpost.mqtt.broker.session.SessionRegistry;
import io.outpost.mqtt.broker.stats.BrokerStats;
import java.time.Clock;

/**
 * What every connection handler shares: sessions, authentication, the ACL, limits, counters, the clock, and the
 * rate-limited log of protocol violations. Thread-safe parts only.
 */
public record ProtocolContext(SessionRegistry sessions, Authenticator authenticator, AccessControl accessControl,
                              BrokerLimits limits, BrokerStats stats, Clock clock, RateLimitedLog violations) {
}
