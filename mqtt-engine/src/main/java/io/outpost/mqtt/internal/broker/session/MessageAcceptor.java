package io.outpost.mqtt.internal.broker.session;

import io.outpost.core.message.Message;
import java.util.concurrent.CompletableFuture;

/**
 * Where sessions hand messages their clients publish (and wills): retained store, routing and forwarders.
 */
public interface MessageAcceptor {

    /**
     * Accepts a message. Called on the publishing session's thread, in the order the client sent its messages.
     *
     * @param publisherClientId for No Local; null for in-process publishers
     * @return completes when every forwarder took the message; fails with MessageRejectedException when one refused
     */
    CompletableFuture<Void> accept(Message message, String publisherClientId);
}
