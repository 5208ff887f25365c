package io.outpost.mqtt;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.outpost.core.command.CommandRouter;
import io.outpost.core.logic.alarm.Actor;
import io.outpost.core.logic.alarm.AlarmService;
import io.outpost.core.message.CommandMessage;
import io.outpost.core.message.Message;
import io.outpost.core.message.MessageSink;
import io.outpost.mqtt.api.ForwardingHold;
import io.outpost.mqtt.api.LocalBroker;
import io.outpost.mqtt.broker.config.AclRule;
import io.outpost.mqtt.broker.config.BrokerConfig;
import io.outpost.mqtt.internal.broker.Broker;
import io.outpost.mqtt.internal.broker.auth.ClientIdentity;
import io.outpost.mqtt.internal.broker.listener.ListenerServer;
import io.outpost.mqtt.internal.broker.session.Session;
import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The gateway's MQTT engine: the built-in broker with its listeners, the {@link MessageSink} the core publishes
 * into, and the route from command topics back to the core. The bridge registers its forwarders and reverse-rule
 * subscriptions through {@link #localBroker()}.
 *
 * <p>Life cycle: construct, {@link #start()} (blocking; binds listeners) or {@link #restore()}, registering the
 * forwarders, then {@link #listen()}, then {@link #routeCommands} once the
 * core runs, {@link #close()} last (after the core stopped publishing). {@link #publish} may be called from any
 * thread and never blocks.
 */
public final class MqttEngine implements MessageSink, AutoCloseable {

    private final Broker broker;
    private final Map<String, LocalBroker.LocalSubscription> commandSubscriptions = new HashMap<>();
    private CommandRouter commands;
    private final Map<String, LocalBroker.LocalSubscription> alarmSubscriptions = new HashMap<>();
    private AlarmService alarms;

    /** An engine whose broker runs on event loops of its own (two per CPU core), which {@link #close()} ends. */
    public MqttEngine(BrokerConfig config, MeterRegistry meters, Clock clock) {
        this.broker = new Broker(config, meters, clock, 0);
    }

    /**
     * An engine whose broker runs on the caller's event loops: listeners, connections and sessions (each client id
     * is pinned to one loop, whose thread owns its session). Give it loops of its own, not shared with busy work:
     * local subscribers wait behind whatever else runs there. The caller owns the group and shuts it down after
     * {@link #close()}.
     */
    public MqttEngine(BrokerConfig config, MeterRegistry meters, Clock clock, EventLoopGroup brokerLoops) {
        this.broker = new Broker(config, meters, clock, brokerLoops);
    }

    /** Loads the broker's saved state and binds its listeners; throws naming the listener that cannot bind. */
    public void start() throws IOException {
        broker.start();
    }

    /**
     * The first half of {@link #start()}: loads the broker's saved state; in-process publishing and forwarders work,
     * network clients cannot connect yet. Register the forwarders, then {@link #listen()}. Blocking.
     */
    public void restore() throws IOException {
        broker.restore();
    }

    /** The second half of {@link #start()}: binds the listeners; throws naming the listener that cannot bind. */
    public void listen() throws IOException {
        broker.listen();
    }

    /**
     * Holds forwarding while the bridge is replaced, so that no message is acknowledged in the moment between the
     * old bridge's forwarders leaving and the new ones registering. Accepted messages wait, unacknowledged, until the
     * hold is released, then go to the forwarders registered by then, in order; network clients' messages beyond the
     * bounds are refused, the core's are always held (it bounds its own). Any thread; release the hold once the new
     * bridge started (or failed to), e.g. with try-with-resources.
     */
    public ForwardingHold holdForwarding(int maxMessages, long maxBytes) {
        return broker.holdForwarding(maxMessages, maxBytes);
    }

    /** The in-process broker (same routing, retained messages and forwarders as network clients). */
    public LocalBroker localBroker() {
        return broker;
    }

    /** The ports the listeners bound, in configuration order (the actual port where the configuration says 0). */
    public List<Integer> listenerPorts() {
        return broker.listeners().stream().map(ListenerServer::port).toList();
    }

    /**
     * Puts new ACL rules in force without a restart (a configuration reload) and re-reads the password file if it
     * changed: every connection and session applies them at once (subscriptions the rules no longer grant are
     * withdrawn, queued messages no longer readable dropped, users no longer in the file disconnected). Any thread;
     * does not wait for the sessions to apply them.
     */
    public void reloadAccess(List<AclRule> acl) {
        broker.reloadAccess(acl);
    }

    /** The broker itself, for this package's tests. */
    Broker broker() {
        return broker;
    }

    /**
     * Publishes a batch of the core's messages (origin {@code $gateway}, a device's poll) in order, on the calling
     * thread: routed to local subscribers (one task per subscriber thread for the whole batch) and handed to each
     * forwarder as one batch, so one store append. The stage completes when every forwarder made the batch durable,
     * whatever the QoS, so that the core's pending count reflects the bridge's durable stores.
     */
    @Override
    public CompletionStage<Void> publish(List<Message> messages) {
        return broker.submitBatch(messages);
    }

    /**
     * Routes messages on the core's command topics to {@code router}, with their MQTT 5 response topic,
     * correlation data and user properties. Retained messages already on a command topic are not acted on.
     * Call again after devices were added or removed ({@link #refreshCommands()}).
     */
    public synchronized void routeCommands(CommandRouter router) {
        this.commands = router;
        refreshCommands();
    }

    /**
     * Routes messages on the alarm command topics (acknowledge, shelve) to {@code service}. Those topics are command
     * topics for the broker: clients that did not log in may not publish there (unless {@code anonymous-commands}),
     * and the ACL decides for those who did, when the message arrives. The service is told the publisher's user (the
     * owner of its session) and client id. Call again after a reload ({@link #refreshCommands()}).
     */
    public synchronized void routeAlarmCommands(AlarmService service) {
        this.alarms = service;
        refreshCommands();
    }

    /** Subscribes to command topics that appeared and drops those that went away since the last call. */
    public synchronized void refreshCommands() {
        Set<String> wanted = commands == null ? Set.of() : new HashSet<>(commands.topics());
        Set<String> alarmTopics = alarms == null ? Set.of() : Set.copyOf(alarms.commandTopics());
        Set<String> all = new HashSet<>(wanted);
        all.addAll(alarmTopics);
        broker.commandTopics().set(all);
        CommandRouter router = commands;
        resubscribe(commandSubscriptions, wanted, m -> router.handle(new CommandMessage(m.topic(), m.payload(),
                m.responseTopic(), m.correlationData(), m.userProperties())));
        AlarmService service = alarms;
        resubscribe(alarmSubscriptions, alarmTopics, m -> service.handleCommand(m.topic(), m.payload(), actor(m),
                m.responseTopic(), m.correlationData()));
    }

    private void resubscribe(Map<String, LocalBroker.LocalSubscription> subscriptions, Set<String> wanted,
                             Consumer<Message> handler) {
        subscriptions.entrySet().removeIf(e -> {
            if (!wanted.contains(e.getKey())) {
                e.getValue().close();
                return true;
            }
            return false;
        });
        for (String topic : wanted) {
            subscriptions.computeIfAbsent(topic, t -> broker.subscribe(t, 2, false, handler));
        }
    }

    /**
     * Who published a message: the user its client's session belongs to, looked up as the message is handled (the
     * client has just published it, so its session is there); a message from the bridge or the gateway has none.
     */
    private Actor actor(Message m) {
        Session session = broker.sessions().get(m.origin());
        ClientIdentity owner = session == null ? null : session.owner();
        return new Actor(owner == null || owner.username() == null ? "" : owner.username(), m.origin(), "mqtt");
    }

    /**
     * Whether the MQTT user {@code username} may publish on {@code topic} under the rules in force now: the check a
     * logged-in client of that user gets, for people acting through the console. A user missing from the password
     * file (when there is one) may not. Any thread.
     */
    public boolean userMayPublish(String username, String topic) {
        var policy = broker.accessPolicy();
        return policy.access(new ClientIdentity("$console/" + username, username, ClientIdentity.Kind.PASSWORD),
                policy.rules()).mayPublish(topic);
    }

    /**
     * Stops the broker's inflow: listeners closed, clients disconnected,
     * in-process publishing refused. Call before closing the bridge, then {@link #close()}.
     */
    public void stopAccepting() {
        broker.stopAccepting();
    }

    /** Stops the broker: MQTT 5 clients are told, connections closed, state saved. */
    @Override
    public synchronized void close() {
        commandSubscriptions.values().forEach(LocalBroker.LocalSubscription::close);
        commandSubscriptions.clear();
        alarmSubscriptions.values().forEach(LocalBroker.LocalSubscription::close);
        alarmSubscriptions.clear();
        broker.close();
    }
}
