package io.outpost.app;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's Netty event loop groups, made and ended here: the parts that run on them (broker, operations
 * endpoint, fleet agent) never shut them down. They are split by whose latency must not depend on whose load:
 * <ul>
 * <li>{@link #broker()}: the built-in broker's listeners, connections and sessions, two loops per CPU core (Netty's
 *     default, as before). Each client id is pinned to one loop, whose thread owns its session, so a local
 *     subscriber's delivery waits behind anything else that runs there: nothing else does.
 * <li>{@link #control()}: the low-traffic control planes on one loop, shared: the operations endpoint (health,
 *     {@code /metrics}, the API and the console; a response is rendered on the loop, so a large {@code /api} answer
 *     holds it for milliseconds) and the fleet agent's link (a few small messages a minute).
 * </ul>
 * The bridge keeps loops of its own, made and ended by each {@code Bridge}: an upstream at 10k QoS 1 messages/s keeps
 * its loop about a third busy, which the broker's subscribers and the console should not wait behind; and a bridge
 * replaced on a reload ends its loops, which is what closes a connection it was still opening.
 *
 * <p>Loops start their thread on first use. Close after every part that uses them closed (the gateway does, last).
 */
final class EventLoops implements AutoCloseable {

    private final EventLoopGroup broker = new NioEventLoopGroup(0, new DefaultThreadFactory("outpost-broker-io", true));
    private final EventLoopGroup control = new NioEventLoopGroup(1, new DefaultThreadFactory("outpost-ops-io", true));

    /** The broker's loops. */
    EventLoopGroup broker() {
        return broker;
    }

    /** The operations endpoint's and the fleet agent's loop. */
    EventLoopGroup control() {
        return control;
    }

    /** Ends both groups (tasks still queued run first) and waits up to a few seconds for their threads. */
    @Override
    public void close() {
        var brokerDone = broker.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        var controlDone = control.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        brokerDone.awaitUninterruptibly(10, TimeUnit.SECONDS);
        controlDone.awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
