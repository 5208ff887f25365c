package io.outpost.mqtt.bridge.control;

import io.outpost.core.config.BackoffConfig;
import io.outpost.core.config.Secret;
import io.outpost.mqtt.bridge.config.MqttProtocol;
import io.outpost.mqtt.bridge.config.PriorityClass;
import io.outpost.mqtt.bridge.config.ServerUri;
import io.outpost.mqtt.bridge.config.StoreConfig;
import io.outpost.mqtt.bridge.config.UpstreamTlsConfig;
import io.outpost.mqtt.bridge.config.UplinkConfig;
import io.outpost.mqtt.bridge.config.UpstreamConfig;
import java.time.Duration;
import java.util.List;

/** Connection settings of a {@link ControlLink}: derived from an upstream, or given (the fleet command line). */
public final class ControlSettings {

    private static final UplinkConfig PLAIN = new UplinkConfig(null, List.of(), null, false,
            UplinkConfig.DEFAULT_REPLAY_SHARE, null);
    private static final StoreConfig UNUSED_STORE = new StoreConfig(StoreConfig.DEFAULT_MAX_BYTES, null,
            StoreConfig.SyncPolicy.GROUP_COMMIT, StoreConfig.DEFAULT_GROUP_COMMIT_INTERVAL,
            List.of(new PriorityClass(PriorityClass.DEFAULT_NAME, List.of(), 1, PriorityClass.OverflowPolicy.DROP_OLDEST)));
    private static final BackoffConfig BACKOFF = new BackoffConfig(Duration.ofSeconds(1), Duration.ofMinutes(2), 2.0, 0.3);

    private ControlSettings() {
    }

    /**
     * The servers, credentials, TLS and protocol of {@code upstream} under another client id (a broker allows one
     * connection per client id: the control link must not take the bridge's over), with a clean session that ends
     * with the connection. A persistent session would keep a queue on one node of a clustered broker (RabbitMQ's
     * classic queues): when that node dies, the client could not subscribe on another node until it came back. The
     * control plane needs no queue: what must reach an offline gateway (its configuration) is retained.
     */
    public static UpstreamConfig from(UpstreamConfig upstream, String clientId) {
        return new UpstreamConfig(upstream.name() + "-control", upstream.servers(), upstream.protocol(), clientId,
                upstream.username(), upstream.password(), upstream.tls(), upstream.keepAlive(), true,
                Duration.ZERO, upstream.connectTimeout(), List.of(), List.of(), upstream.store(), 100, 0,
                null, upstream.backoff(), upstream.probeInterval(), upstream.statusInterval(), PLAIN);
    }

    /** Settings given one by one, with a clean session that ends with the connection (a command-line tool). */
    public static UpstreamConfig of(String name, List<ServerUri> servers, MqttProtocol protocol, String clientId,
                                    String username, Secret password, UpstreamTlsConfig tls) {
        return new UpstreamConfig(name, servers, protocol, clientId, username, password, tls, Duration.ofSeconds(30),
                true, Duration.ZERO, Duration.ofSeconds(10), List.of(), List.of(), UNUSED_STORE, 100, 0, null, BACKOFF,
                Duration.ofSeconds(1), Duration.ofSeconds(10), PLAIN);
    }
}
