package io.outpost.mqtt.internal.bridge.store;

import io.outpost.core.message.Message;
import java.util.Arrays;

/**
 * Messages for one {@link MessageStore#append}, each with its route, store class and, for readings, its route's
 * index in the store's {@link RouteTable} (-1 for a message stored whole). A forwarder fills one per batch it is
 * handed (a device's poll); the store writes its readings as one record per class. Not thread-safe; the store keeps
 * the arrays (it hands live messages to the sender from memory), so a batch must not be changed once appended.
 */
public final class AppendBatch {

    Message[] messages;
    Route[] routes;
    int[] classes;
    int[] routeIndexes;
    int size;

    public AppendBatch(int capacity) {
        int n = Math.max(1, capacity);
        messages = new Message[n];
        routes = new Route[n];
        classes = new int[n];
        routeIndexes = new int[n];
    }

    /** Adds a message; {@code routeIndex} is its route's table index for a reading, -1 to store it whole. */
    public void add(Message message, Route route, int classIndex, int routeIndex) {
        if (size == messages.length) {
            int n = size * 2;
            messages = Arrays.copyOf(messages, n);
            routes = Arrays.copyOf(routes, n);
            classes = Arrays.copyOf(classes, n);
            routeIndexes = Arrays.copyOf(routeIndexes, n);
        }
        messages[size] = message;
        routes[size] = route;
        classes[size] = classIndex;
        routeIndexes[size] = routeIndex;
        size++;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** A rough size of what the batch takes in the store, for the writer's queue bound. */
    long estimatedBytes() {
        long n = 32;
        for (int i = 0; i < size; i++) {
            byte[] p = messages[i].payloadIfPresent();
            n += routeIndexes[i] >= 0 ? 12 : 64 + routes[i].remoteTopic().length() + (p == null ? 64 : p.length);
        }
        return n;
    }
}
