package io.outpost.bench.fleet;

import io.outpost.mqtt.bridge.control.ControlChannel;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link ControlChannel} that counts what passes through the real one (a {@code ControlLink}): the messages the
 * simulated gateways publish and receive, to set beside the broker's own counts. Adds nothing else.
 */
final class CountingChannel implements ControlChannel {

    /** Shared by every simulated gateway. */
    static final class Counts {
        final LongAdder published = new LongAdder();
        final LongAdder received = new LongAdder();
        final LongAdder connections = new LongAdder();
    }

    private final ControlChannel real;
    private final Counts counts;

    CountingChannel(ControlChannel real, Counts counts) {
        this.real = real;
        this.counts = counts;
    }

    /** Wraps a listener so that received messages and connections are counted. */
    static Listener counting(Listener listener, Counts counts) {
        return new Listener() {
            @Override
            public void connected(String server) {
                counts.connections.increment();
                listener.connected(server);
            }

            @Override
            public void disconnected(String why) {
                listener.disconnected(why);
            }

            @Override
            public void message(String topic, byte[] payload, boolean retained) {
                counts.received.increment();
                listener.message(topic, payload, retained);
            }
        };
    }

    @Override
    public void start() {
        real.start();
    }

    @Override
    public CompletionStage<Void> publish(String topic, byte[] payload, int qos, boolean retain) {
        counts.published.increment();
        return real.publish(topic, payload, qos, retain);
    }

    @Override
    public boolean isConnected() {
        return real.isConnected();
    }

    @Override
    public long connections() {
        return real.connections();
    }

    @Override
    public void close(boolean leaveWill) {
        real.close(leaveWill);
    }
}
