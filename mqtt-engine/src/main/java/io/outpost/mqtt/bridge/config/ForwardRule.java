package io.outpost.mqtt.bridge.config;

import java.util.Objects;

/**
 * Local messages matching {@code to.filter()} go upstream to the rewritten topic with this QoS, whatever QoS they
 * were published with locally (so QoS 0 readings are stored and forwarded too).
 *
 * @param packing how they travel: null to send each as published, else batched and/or compressed
 */
public record ForwardRule(TopicRewrite to, int qos, RetainMode retain, Packing packing) {

    /** What becomes of the local message's retain flag upstream. */
    public enum RetainMode {
        AS_PUBLISHED, TRUE, FALSE;

        public boolean apply(boolean published) {
            return this == AS_PUBLISHED ? published : this == TRUE;
        }
    }

    public ForwardRule {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(retain, "retain");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, found " + qos);
        }
    }

    /** A rule that sends each message as published. */
    public ForwardRule(TopicRewrite to, int qos, RetainMode retain) {
        this(to, qos, retain, null);
    }
}
