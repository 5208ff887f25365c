package io.outpost.mqtt.internal.broker.persist;

import io.outpost.core.message.Message;
import java.util.List;

/** Everything the broker keeps across a restart: retained messages and persistent sessions. Immutable. */
public record BrokerSnapshot(List<Message> retained, List<SessionState> sessions) {

    public static final BrokerSnapshot EMPTY = new BrokerSnapshot(List.of(), List.of());

    public BrokerSnapshot {
        retained = List.copyOf(retained);
        sessions = List.copyOf(sessions);
    }
}
