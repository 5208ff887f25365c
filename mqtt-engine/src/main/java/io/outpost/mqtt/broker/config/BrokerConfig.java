package io.outpost.mqtt.broker.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code broker:} section: the built-in MQTT broker's listeners, authentication, authorization, limits,
 * persistence and {@code $SYS} topics. Immutable and validated at load.
 *
 * @param passwordFile users and salted password hashes (see {@code PasswordFile}); null: no passwords
 * @param acl          access rules; null: every authenticated client may read and write every topic
 * @param sysInterval  how often {@code $SYS/broker/...} is published; null: never
 * @param clients      anonymous commands, sessions of other users, MQTT 3.1.1 publishes to {@code $} topics
 */
public record BrokerConfig(List<ListenerConfig> listeners, Path passwordFile, List<AclRule> acl, BrokerLimits limits,
                           PersistenceConfig persistence, Duration sysInterval, ClientPolicy clients) {

    /** A configuration with the default client policy. */
    public BrokerConfig(List<ListenerConfig> listeners, Path passwordFile, List<AclRule> acl, BrokerLimits limits,
                        PersistenceConfig persistence, Duration sysInterval) {
        this(listeners, passwordFile, acl, limits, persistence, sysInterval, ClientPolicy.DEFAULT);
    }

    public BrokerConfig {
        listeners = List.copyOf(listeners);
        acl = acl == null ? null : List.copyOf(acl);
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(persistence, "persistence");
        Objects.requireNonNull(clients, "clients");
    }

    /** What a gateway without a {@code broker} section runs: one loopback TCP listener on 1883. */
    public static BrokerConfig defaults(Path dataDir) {
        return new BrokerConfig(List.of(ListenerConfig.defaultLocal()), null, null, BrokerLimits.DEFAULT,
                new PersistenceConfig(true, dataDir.resolve("broker"), Duration.ofSeconds(10)), Duration.ofSeconds(10));
    }
}
