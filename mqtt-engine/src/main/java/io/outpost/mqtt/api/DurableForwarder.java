package io.outpost.mqtt.api;

import io.outpost.core.message.Message;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Takes responsibility for messages the broker accepts, before the broker acknowledges them: the bridge registers
 * one per upstream, so that a message is in the upstream's durable store before the publisher gets its PUBACK
 * (or PUBREC), or before the core's hand-over completes.
 *
 * <p>The broker calls {@link #accept} for every accepted PUBLISH of a client, in the order it accepted them per
 * publisher, and {@link #acceptBatch} for each batch of the core (a device's poll), on the publisher's thread; the
 * forwarder decides whether its rules match. The broker acknowledges a QoS 1/2 message only after every forwarder's
 * stage completed normally; a stage that fails with {@link io.outpost.core.message.MessageRejectedException} makes
 * the broker refuse the message (MQTT 5: a negative reason code such as 0x97 Quota exceeded; 3.1.1: no
 * acknowledgement and the connection closes) and count it.
 *
 * <p>Must not block: return a stage that completes when the messages are durable (or at once when no rule matches).
 */
public interface DurableForwarder {

    CompletionStage<Void> accept(Message message);

    /**
     * A batch of the core (a device's poll); the bridge makes it one store append. By default message by message,
     * the stage completing when all did.
     */
    default CompletionStage<Void> acceptBatch(List<Message> messages) {
        CompletableFuture<?>[] all = new CompletableFuture<?>[messages.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = accept(messages.get(i)).toCompletableFuture();
        }
        return CompletableFuture.allOf(all);
    }
}
