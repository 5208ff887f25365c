package io.outpost.core.testing;

import io.outpost.core.message.MessageSink;
import io.outpost.core.message.Message;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A message sink that records what it was given. It accepts at once, unless {@link #holdAcceptance()} was called:
 * then hand-overs stay pending until {@link #acceptPending()}, which is how tests make the engine "slow".
 */
public final class RecordingSink implements MessageSink {

    private final List<Message> messages = new ArrayList<>();
    private final List<CompletableFuture<Void>> pending = new ArrayList<>();
    private boolean hold;

    @Override
    public synchronized CompletionStage<Void> publish(List<Message> batch) {
        messages.addAll(batch);
        if (!hold) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        pending.add(f);
        return f;
    }

    public synchronized void holdAcceptance() {
        hold = true;
    }

    public void acceptPending() {
        List<CompletableFuture<Void>> toComplete;
        synchronized (this) {
            hold = false;
            toComplete = new ArrayList<>(pending);
            pending.clear();
        }
        toComplete.forEach(f -> f.complete(null));
    }

    public synchronized List<Message> messages() {
        return List.copyOf(messages);
    }

    public synchronized List<Message> on(String topic) {
        return messages.stream().filter(m -> m.topic().equals(topic)).toList();
    }

    /** Payloads on a topic as text, oldest first. */
    public synchronized List<String> payloads(String topic) {
        return on(topic).stream().map(m -> new String(m.payload(), StandardCharsets.UTF_8)).toList();
    }

    public synchronized void clear() {
        messages.clear();
    }
}
