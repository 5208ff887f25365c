package io.outpost.app.fleet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code fleet:} section: how the gateway takes part in a fleet run from the cloud broker. Immutable, validated
 * at load by {@link FleetSection}.
 *
 * @param enabled           false: no fleet link, no births, no remote configuration
 * @param upstream          the upstream whose servers, credentials, TLS and protocol the fleet link uses; null: the
 *                          first upstream
 * @param prefix            topic prefix, expanded ({@code {gateway}}, {@code {site}}), ending in {@code /}
 * @param clientId          the fleet link's client id; null: the upstream's client id + {@code -fleet}
 * @param trustedKeys       folder of trusted Ed25519 public keys ({@code <key-id>.pub}, PEM)
 * @param gracePeriod       how long the health is watched after a remote configuration is applied
 * @param keepConfigs       how many received configurations are kept on disk with their hashes
 * @param birthMinInterval  a birth is updated on change, at most this often
 * @param commands          whether remote commands are answered
 * @param subscribeQos      QoS of the fleet link's subscriptions (0 for RabbitMQ 3.x clusters, see docs/fleet.md)
 * @param commandMaxAge     a signed command is refused when its signing time is further than this from the
 *                          gateway's clock (either way): a captured command cannot be played later
 * @param discovery         whether the remote probe may reach Modbus hosts the configuration does not name and the
 *                          remote discover (BACnet Who-Is) may run (off: only configured devices and loopback)
 */
public record FleetConfig(boolean enabled, String upstream, String prefix, String clientId, Path trustedKeys,
                          Duration gracePeriod, int keepConfigs, Duration birthMinInterval, boolean commands,
                          int subscribeQos, Duration commandMaxAge, boolean discovery) {

    public static final Duration DEFAULT_COMMAND_MAX_AGE = Duration.ofMinutes(5);

    public static final String DEFAULT_PREFIX = "outpost/{gateway}/";
    public static final FleetConfig DISABLED = new FleetConfig(false, null, DEFAULT_PREFIX, null, Path.of("trusted-keys"),
            Duration.ofMinutes(2), 10, Duration.ofSeconds(10), true, 1);

    /** Without the command settings: their defaults (5 min, no discovery of unconfigured devices). */
    public FleetConfig(boolean enabled, String upstream, String prefix, String clientId, Path trustedKeys,
                       Duration gracePeriod, int keepConfigs, Duration birthMinInterval, boolean commands,
                       int subscribeQos) {
        this(enabled, upstream, prefix, clientId, trustedKeys, gracePeriod, keepConfigs, birthMinInterval, commands,
                subscribeQos, DEFAULT_COMMAND_MAX_AGE, false);
    }

    public FleetConfig {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(trustedKeys, "trustedKeys");
        Objects.requireNonNull(gracePeriod, "gracePeriod");
        Objects.requireNonNull(birthMinInterval, "birthMinInterval");
        Objects.requireNonNull(commandMaxAge, "commandMaxAge");
        if (keepConfigs < 1) {
            throw new IllegalArgumentException("keepConfigs must be at least 1, found " + keepConfigs);
        }
    }
}
