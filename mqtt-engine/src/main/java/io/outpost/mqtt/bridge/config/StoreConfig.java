package io.outpost.mqtt.bridge.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An upstream's durable queue.
 *
 * @param maxBytes            bound of the queue's files on disk
 * @param maxAge              messages queued longer are dropped ({@code max-age}), or null for no bound
 * @param sync                when appended messages are flushed to stable storage (acknowledgements wait for it)
 * @param groupCommitInterval with {@link SyncPolicy#GROUP_COMMIT}: at most one flush per file per interval
 * @param classes             priority classes in match order; one is named {@value PriorityClass#DEFAULT_NAME} and
 *                            takes the topics no class matches
 */
public record StoreConfig(long maxBytes, Duration maxAge, SyncPolicy sync, Duration groupCommitInterval,
                          List<PriorityClass> classes) {

    public static final long DEFAULT_MAX_BYTES = 512L << 20;
    public static final Duration DEFAULT_GROUP_COMMIT_INTERVAL = Duration.ofMillis(10);

    public StoreConfig {
        Objects.requireNonNull(sync, "sync");
        Objects.requireNonNull(groupCommitInterval, "groupCommitInterval");
        classes = List.copyOf(classes);
        if (classes.stream().noneMatch(c -> c.name().equals(PriorityClass.DEFAULT_NAME))) {
            throw new IllegalArgumentException("a class named " + PriorityClass.DEFAULT_NAME + " is needed");
        }
        if (maxBytes < 64 * 1024) {
            throw new IllegalArgumentException("maxBytes must be at least 64KB, found " + maxBytes);
        }
    }

    /** Index of the class of a local topic: the first class that matches, else the default class. */
    public int classOf(String localTopic) {
        int fallback = -1;
        for (int i = 0; i < classes.size(); i++) {
            PriorityClass c = classes.get(i);
            if (c.matches(localTopic)) {
                return i;
            }
            if (c.name().equals(PriorityClass.DEFAULT_NAME)) {
                fallback = i;
            }
        }
        return fallback;
    }

    /** When the store flushes. Acknowledgements wait for the flush in both; they differ in latency and IO load. */
    public enum SyncPolicy {
        /** Flush as soon as messages are written; messages arriving during a flush share the next one. */
        EVERY_MESSAGE,
        /** Flush at most once per interval per file; acknowledgements wait up to the interval. */
        GROUP_COMMIT
    }
}
