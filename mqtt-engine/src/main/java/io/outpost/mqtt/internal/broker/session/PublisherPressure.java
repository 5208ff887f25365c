package io.outpost.mqtt.internal.broker.session;

import java.util.function.Function;

/**
 * Back-pressure from subscribers to the publishers that feed them. A subscriber's session whose queue grows past
 * its bound asks each publisher whose message it queued to stop reading its socket, and asks them to resume once
 * its queue is down to half the bound: overload then shows as publishers slowed by TCP flow control (latency bounded,
 * memory flat) instead of queues and latency growing until the slow-subscriber policy drops messages. A subscriber
 * that does not get back under half its bound within a few seconds is slow rather than busy: it lets the
 * publishers go and the ordinary slow-subscriber policy applies to it (see {@link Session}). In-process publishers
 * (the gateway's core, the bridge's reverse rules) are not slowed here: they bound what they have pending
 * themselves. Thread-safe: a request counts at once (the publisher's connection checks after each PUBLISH it
 * reads) and reaches the publisher's link on its session's thread.
 */
public final class PublisherPressure {

    private volatile Function<String, Session> sessions = id -> null;

    /** Where sessions are found by client id (the registry, once it exists). */
    void lookup(Function<String, Session> bySessionId) {
        this.sessions = bySessionId;
    }

    /**
     * Asks the session of {@code publisherClientId} to stop ({@code slow}) or resume reading because of {@code by};
     * false when no client session has that id (an in-process publisher).
     */
    boolean slow(String publisherClientId, Session by, boolean slow) {
        Session publisher = sessions.apply(publisherClientId);
        if (publisher == null) {
            return false;
        }
        publisher.slowedBy(by, slow);
        return true;
    }
}
