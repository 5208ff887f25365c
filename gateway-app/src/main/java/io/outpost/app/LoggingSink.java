package io.outpost.app;

import io.outpost.core.message.MessageSink;
import io.outpost.core.message.OutboundMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs messages instead of publishing them: what {@code run} uses until the MQTT engine is wired in. */
final class LoggingSink implements MessageSink {

    private static final Logger LOG = LoggerFactory.getLogger("outpost.messages");

    @Override
    public CompletionStage<Void> publish(List<OutboundMessage> messages) {
        for (OutboundMessage m : messages) {
            LOG.info("{} q{}{} {}", m.topic(), m.qos(), m.retain() ? " retained" : "",
                    new String(m.payload(), StandardCharsets.UTF_8));
        }
        return CompletableFuture.completedFuture(null);
    }
}
