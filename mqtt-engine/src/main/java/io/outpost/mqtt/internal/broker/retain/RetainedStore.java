package io.outpost.mqtt.internal.broker.retain;

import io.outpost.core.message.Message;
import io.outpost.mqtt.api.TopicFilter;
import io.outpost.mqtt.internal.broker.limits.RetainedLimit;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The retained message of every topic, indexed by topic level so that a wildcard subscription visits only the
 * topics it can match. Reads are lock-free from any thread; so is replacing the message of a topic that has one
 * (the hot path: a gateway republishes the same point topics all the time, 100,000 retained updates a second at
 * 100,000 points), found by the topic's whole name with one hash lookup. Adding a topic, clearing one and dropping
 * expired messages change the tree and are serialized by a lock. Expired messages (MQTT 5 message expiry) are never
 * handed out and are dropped when met.
 *
 * <p>A point's retained message is the very message its {@code PointState} reported last: the store holds a
 * reference, not a copy, and renders nothing until a subscriber needs the bytes.
 */
public final class RetainedStore {

    private final Node root = new Node(null, null);
    /** The node of every topic that holds or held a message since it was last pruned; changed under the lock. */
    private final ConcurrentHashMap<String, Node> byTopic = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final LongAdder changes = new LongAdder();
    private final RetainedLimit limit;

    private static final class Node {
        final Node parent;
        final String level;
        /** Made when the first child is (a point's topic is a leaf: most nodes never have children). */
        volatile ConcurrentHashMap<String, Node> children;
        volatile Message message;
        private static final VarHandle MESSAGE;

        static {
            try {
                MESSAGE = MethodHandles.lookup().findVarHandle(Node.class, "message", Message.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /**
         * Replaces a message the retained limit does not count (the gateway's own); false when the node holds none
         * or a counted one (then the lock's path must run).
         */
        boolean replaceUncounted(Message m) {
            Message old = message;
            return old != null && RetainedLimit.exempt(old) && MESSAGE.compareAndSet(this, old, m);
        }

        /** Its children, made if it has none yet; under the store's lock. */
        ConcurrentHashMap<String, Node> childrenForWriting() {
            ConcurrentHashMap<String, Node> c = children;
            if (c == null) {
                c = new ConcurrentHashMap<>(4);
                children = c;
            }
            return c;
        }

        Iterable<Node> childNodes() {
            ConcurrentHashMap<String, Node> c = children;
            return c == null ? List.of() : c.values();
        }

        Node child(String level) {
            ConcurrentHashMap<String, Node> c = children;
            return c == null ? null : c.get(level);
        }

        boolean hasChildren() {
            ConcurrentHashMap<String, Node> c = children;
            return c != null && !c.isEmpty();
        }

        /** Takes the message away; the one removed, or null when there was none. */
        Message clear() {
            return (Message) MESSAGE.getAndSet(this, (Message) null);
        }

        /** The whole topic, once the node is in {@code byTopic}. */
        String topic;

        Node(Node parent, String level) {
            this.parent = parent;
            this.level = level;
        }
    }

    /** A store without a bound. */
    public RetainedStore() {
        this(RetainedLimit.unbounded());
    }

    /** A store that keeps no more than {@code limit} allows. */
    public RetainedStore(RetainedLimit limit) {
        this.limit = limit;
    }

    public RetainedLimit limit() {
        return limit;
    }

    /** Whether {@link #put} would keep {@code message} now (see {@link RetainedLimit}). Any thread. */
    public boolean admits(Message message) {
        Node node = byTopic.get(message.topic());
        return message.payload().length == 0 || limit.admits(node == null ? null : node.message, message);
    }

    /**
     * Stores a retained message, replacing the topic's earlier one; an empty payload clears the topic
     * (MQTT-3.3.1-6/7). Any thread.
     *
     * @return false when the limit did not let the message be kept (the topic keeps its earlier message)
     */
    public boolean put(Message message) {
        if (message.sample() == null) {
            // Points' readings are not saved (see saved()): their changes do not make the state worth saving again.
            changes.increment();
        }
        // A reading always has a payload; only a client's message can be empty (and clear the topic).
        boolean clears = message.sample() == null && message.payload().length == 0;
        if (!clears && RetainedLimit.exempt(message)) {
            // The hot path (a point's new value): no lock, no count. Only a message the limit does not count is
            // replaced here, so the count of clients' retained messages stays exact.
            Node node = byTopic.get(message.topic());
            if (node != null && node.replaceUncounted(message)) {
                return true;
            }
        }
        return putLocked(message, clears);
    }

    private synchronized boolean putLocked(Message message, boolean clears) {
        String topic = message.topic();
        Node node = byTopic.get(topic);
        if (!clears && !limit.admit(node == null ? null : node.message, message)) {
            return false;
        }
        if (clears) {
            Message gone = node == null ? null : node.clear();
            if (gone != null) {
                limit.removed(gone);
                size.decrementAndGet();
                prune(node);
            }
            return true;
        }
        if (node == null) {
            node = root;
            for (String level : levels(topic)) {
                Node parent = node;
                node = parent.childrenForWriting().computeIfAbsent(level, l -> new Node(parent, l));
            }
            node.topic = topic;
            byTopic.put(topic, node);
        }
        if (Node.MESSAGE.getAndSet(node, message) == null) {
            size.incrementAndGet();
        }
        return true;
    }

    /** The retained message of a topic, or null. */
    public Message get(String topic, long nowMillis) {
        Node node = byTopic.get(topic);
        Message m = node == null ? null : node.message;
        return m == null || m.isExpired(nowMillis) ? null : m;
    }

    /** Hands every unexpired retained message matching {@code filter} to {@code sink}. Any thread. */
    public void match(TopicFilter filter, long nowMillis, Consumer<Message> sink) {
        List<Message> expired = new ArrayList<>();
        match(root, filter.levels(), 0, nowMillis, sink, expired);
        for (Message m : expired) {
            removeIfSame(m);
        }
    }

    private void match(Node node, String[] filter, int i, long now, Consumer<Message> sink,
                       List<Message> expired) {
        if (i == filter.length) {
            offer(node, now, sink, expired);
            return;
        }
        String level = filter[i];
        if (level.equals("#")) {
            // '#' also matches the parent level: "a/#" matches "a".
            if (i > 0) {
                offer(node, now, sink, expired);
            }
            all(node, i == 0, now, sink, expired);
            return;
        }
        if (level.equals("+")) {
            for (Node child : node.childNodes()) {
                if (!(i == 0 && child.level.startsWith("$"))) {
                    match(child, filter, i + 1, now, sink, expired);
                }
            }
            return;
        }
        Node child = node.child(level);
        if (child != null) {
            match(child, filter, i + 1, now, sink, expired);
        }
    }

    private void all(Node node, boolean skipDollar, long now, Consumer<Message> sink, List<Message> expired) {
        for (Node child : node.childNodes()) {
            if (skipDollar && child.level.startsWith("$")) {
                continue;
            }
            offer(child, now, sink, expired);
            all(child, false, now, sink, expired);
        }
    }

    private static void offer(Node node, long now, Consumer<Message> sink, List<Message> expired) {
        Message m = node.message;
        if (m == null) {
            return;
        }
        if (m.isExpired(now)) {
            expired.add(m);
        } else {
            sink.accept(m);
        }
    }

    /** Every retained message (for saving); any thread, a consistent-enough copy. */
    /**
     * The retained messages worth saving across a restart: all but the gateway's own point readings, which the
     * gateway's points hold and publish again at their first poll (saving them would write every point's value,
     * rendered, every save interval). Any thread, a consistent-enough copy.
     */
    public List<Message> saved() {
        List<Message> out = new ArrayList<>();
        for (Message m : all()) {
            if (m.sample() == null) {
                out.add(m);
            }
        }
        return out;
    }

    public List<Message> all() {
        List<Message> out = new ArrayList<>(size.get());
        collect(root, out);
        return out;
    }

    private static void collect(Node node, List<Message> out) {
        Message m = node.message;
        if (m != null) {
            out.add(m);
        }
        for (Node child : node.childNodes()) {
            collect(child, out);
        }
    }

    public int size() {
        return size.get();
    }

    /** A counter that moves on every change, so that a saver can tell whether anything changed. */
    public long changeCount() {
        return changes.sum();
    }

    private synchronized void removeIfSame(Message m) {
        Node node = byTopic.get(m.topic());
        if (node != null && Node.MESSAGE.compareAndSet(node, m, (Message) null)) {
            limit.removed(m);
            size.decrementAndGet();
            changes.increment();
            prune(node);
        }
    }

    private void prune(Node node) {
        if (node.topic != null && node.message == null) {
            // Emptied: the next message of the topic builds its path again (the tree may drop it below).
            byTopic.remove(node.topic, node);
            node.topic = null;
        }
        while (node.parent != null && node.message == null && !node.hasChildren()) {
            node.parent.children.remove(node.level, node);
            node = node.parent;
        }
    }

    private static String[] levels(String topic) {
        return topic.split("/", -1);
    }
}
