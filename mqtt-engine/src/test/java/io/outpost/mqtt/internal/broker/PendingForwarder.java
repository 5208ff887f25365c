package io.outpost.mqtt.internal.broker;

import io.outpost.core.message.Message;
import io.outpost.mqtt.api.DurableForwarder;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A forwarder whose stages the test completes by hand, so it decides when the broker may acknowledge; it records
 * every message it was given, in order.
 */
final class PendingForwarder implements DurableForwarder {

    final List<Message> seen = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<Void>> stages = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<Void> accept(Message message) {
        seen.add(message);
        CompletableFuture<Void> stage = new CompletableFuture<>();
        stages.add(stage);
        return stage;
    }
}
