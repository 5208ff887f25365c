package io.outpost.core.message;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where the core's messages go: the MQTT engine implements it (local broker, durable upstream queues); tests record.
 *
 * <p><b>One batch per call.</b> A device's poll travels as one list: the engine routes it, hands it to each upstream
 * as one store append, and completes one stage for it.
 *
 * <p><b>Hand-over.</b> The returned stage completes normally once the engine has taken responsibility for every
 * message in the list: routed to local subscribers and, for each upstream whose rules match, written to its durable
 * store as that store's sync policy promises. Until then the core counts the messages as pending. It completes
 * exceptionally with {@link MessageRejectedException} for messages the engine refused by policy (a full store
 * with reject-new, shutting down); the core counts those as dropped and does not retry them.
 *
 * <p><b>Back-pressure.</b> The core bounds how many messages it has pending; when an engine is slow to complete
 * hand-overs, the core skips polls (visible as {@code outpost.poll.skipped{reason=backpressure}} and in the device
 * status) rather than read values it cannot deliver. An implementation therefore signals back-pressure simply by
 * completing later.
 *
 * <p>Called from core threads (a device's serial executor); must not block. Messages of one call keep their order,
 * and calls from one thread are accepted in call order.
 */
public interface MessageSink {

    CompletionStage<Void> publish(List<Message> messages);
}
