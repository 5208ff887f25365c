package io.outpost.mqtt.internal.broker.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every subscription, indexed by filter level, so that matching a topic costs its depth, not the number of
 * subscriptions. Matching is lock-free and runs on any thread; changes are serialized by a lock and publish
 * immutable arrays, so a reader sees either the old or the new set of a node, never a torn one.
 *
 * <p>Shared subscriptions ({@code $share/group/filter}) are kept per filter and group; each match picks one
 * member per group, round-robin, preferring members whose client is online.
 */
public final class TopicTree {

    private static final Subscription[] NONE = new Subscription[0];
    private static final SharedGroup[] NO_GROUPS = new SharedGroup[0];

    /** Topics whose matches are remembered at most (the core's point topics; more are matched without caching). */
    static final int MAX_CACHED_TOPICS = 1 << 20;

    private final Node root = new Node(null, null);
    private final AtomicInteger count = new AtomicInteger();
    /** Moves on every change of the subscriptions; a remembered match of an older version is stale. */
    private volatile long version;
    private final ConcurrentHashMap<String, Matches> cache = new ConcurrentHashMap<>();
    /** "Nobody" at the current version, shared by every topic without subscribers (most point topics). */
    private volatile Matches nothing = new Matches(-1, NONE, NO_GROUPS);

    /** The subscriptions matching one topic at one version: plain ones, and shared groups to pick a member of. */
    private record Matches(long version, Subscription[] plain, SharedGroup[] groups) {
    }

    private static final class Node {
        final Node parent;
        final String level;
        final ConcurrentHashMap<String, Node> children = new ConcurrentHashMap<>(4);
        volatile Subscription[] plain = NONE;
        volatile SharedGroup[] groups = NO_GROUPS;

        Node(Node parent, String level) {
            this.parent = parent;
            this.level = level;
        }

        boolean isEmpty() {
            return plain.length == 0 && groups.length == 0 && children.isEmpty();
        }
    }

    private static final class SharedGroup {
        final String name;
        volatile Subscription[] members = NONE;
        final AtomicInteger next = new AtomicInteger();

        SharedGroup(String name) {
            this.name = name;
        }

        Subscription pick() {
            Subscription[] m = members;
            if (m.length == 0) {
                return null;
            }
            int start = Math.floorMod(next.getAndIncrement(), m.length);
            for (int i = 0; i < m.length; i++) {
                Subscription s = m[(start + i) % m.length];
                if (s.subscriber().online()) {
                    return s;
                }
            }
            // Nobody online: queue with one of them (persistent sessions get it when they return).
            return m[start];
        }
    }

    /**
     * Adds a subscription, replacing the subscriber's earlier one with the same filter and share group.
     *
     * @return the replaced subscription, or null when it is new
     */
    public synchronized Subscription add(Subscription s) {
        Node node = root;
        for (String level : s.filter().levels()) {
            Node parent = node;
            node = node.children.computeIfAbsent(level, l -> new Node(parent, l));
        }
        Subscription replaced;
        if (s.shareGroup() == null) {
            replaced = find(node.plain, s.subscriber());
            node.plain = replace(node.plain, s.subscriber(), s);
        } else {
            SharedGroup group = null;
            for (SharedGroup g : node.groups) {
                if (g.name.equals(s.shareGroup())) {
                    group = g;
                }
            }
            if (group == null) {
                group = new SharedGroup(s.shareGroup());
                SharedGroup[] groups = Arrays.copyOf(node.groups, node.groups.length + 1);
                groups[groups.length - 1] = group;
                node.groups = groups;
            }
            replaced = find(group.members, s.subscriber());
            group.members = replace(group.members, s.subscriber(), s);
        }
        if (replaced == null) {
            count.incrementAndGet();
        }
        version++;
        return replaced;
    }

    /** Removes a subscriber's subscription; returns false when there was none. */
    public synchronized boolean remove(Subscriber subscriber, String shareGroup, io.outpost.mqtt.api.TopicFilter filter) {
        Node node = root;
        for (String level : filter.levels()) {
            node = node.children.get(level);
            if (node == null) {
                return false;
            }
        }
        boolean removed;
        if (shareGroup == null) {
            removed = find(node.plain, subscriber) != null;
            node.plain = replace(node.plain, subscriber, null);
        } else {
            removed = false;
            List<SharedGroup> kept = new ArrayList<>();
            for (SharedGroup g : node.groups) {
                if (g.name.equals(shareGroup)) {
                    removed = find(g.members, subscriber) != null;
                    g.members = replace(g.members, subscriber, null);
                }
                if (g.members.length > 0) {
                    kept.add(g);
                }
            }
            node.groups = kept.toArray(NO_GROUPS);
        }
        if (removed) {
            count.decrementAndGet();
        }
        prune(node);
        version++;
        return removed;
    }

    private static void prune(Node node) {
        while (node.parent != null && node.isEmpty()) {
            node.parent.children.remove(node.level, node);
            node = node.parent;
        }
    }

    /** Number of subscriptions. */
    public int size() {
        return count.get();
    }

    /**
     * Adds to {@code out} every subscription matching {@code topic}: all plain ones and one member of each shared
     * group. Any thread.
     */
    public void match(String topic, List<Subscription> out) {
        String[] levels = topic.split("/", -1);
        match(root, levels, 0, topic.startsWith("$"), out);
    }

    /**
     * As {@link #match}, remembering the subscriptions a topic matches until they change, so that a topic published
     * over and over (a point's) costs one lookup and no allocation, none at all when nobody subscribes to it. Use
     * it for topics from a bounded set (the core's points); any thread.
     */
    public void matchCached(String topic, List<Subscription> out) {
        long v = version;
        Matches m = cache.get(topic);
        if (m == null || m.version != v) {
            List<Subscription> plain = new ArrayList<>();
            List<SharedGroup> groups = new ArrayList<>();
            collectMatches(root, topic.split("/", -1), 0, topic.startsWith("$"), plain, groups);
            m = plain.isEmpty() && groups.isEmpty() ? nothingAt(v) : new Matches(v, plain.toArray(NONE),
                    groups.toArray(NO_GROUPS));
            if (cache.size() >= MAX_CACHED_TOPICS) {
                cache.clear();
            }
            cache.put(topic, m);
        }
        for (Subscription s : m.plain) {
            out.add(s);
        }
        for (SharedGroup g : m.groups) {
            Subscription s = g.pick();
            if (s != null) {
                out.add(s);
            }
        }
    }

    private Matches nothingAt(long v) {
        Matches n = nothing;
        if (n.version != v) {
            n = new Matches(v, NONE, NO_GROUPS);
            nothing = n;
        }
        return n;
    }

    private static void collectMatches(Node node, String[] levels, int i, boolean dollar, List<Subscription> plain,
                                       List<SharedGroup> groups) {
        if (i == levels.length) {
            collectNode(node, plain, groups);
            Node hash = node.children.get("#");
            if (hash != null) {
                collectNode(hash, plain, groups);
            }
            return;
        }
        Node exact = node.children.get(levels[i]);
        if (exact != null) {
            collectMatches(exact, levels, i + 1, dollar, plain, groups);
        }
        if (i == 0 && dollar) {
            return;
        }
        Node plus = node.children.get("+");
        if (plus != null) {
            collectMatches(plus, levels, i + 1, dollar, plain, groups);
        }
        Node hash = node.children.get("#");
        if (hash != null) {
            collectNode(hash, plain, groups);
        }
    }

    private static void collectNode(Node node, List<Subscription> plain, List<SharedGroup> groups) {
        java.util.Collections.addAll(plain, node.plain);
        java.util.Collections.addAll(groups, node.groups);
    }

    private static void match(Node node, String[] levels, int i, boolean dollar, List<Subscription> out) {
        if (i == levels.length) {
            collect(node, out);
            Node hash = node.children.get("#");
            if (hash != null) {
                collect(hash, out);
            }
            return;
        }
        Node exact = node.children.get(levels[i]);
        if (exact != null) {
            match(exact, levels, i + 1, dollar, out);
        }
        if (i == 0 && dollar) {
            return;
        }
        Node plus = node.children.get("+");
        if (plus != null) {
            match(plus, levels, i + 1, dollar, out);
        }
        Node hash = node.children.get("#");
        if (hash != null) {
            collect(hash, out);
        }
    }

    private static void collect(Node node, List<Subscription> out) {
        for (Subscription s : node.plain) {
            out.add(s);
        }
        for (SharedGroup g : node.groups) {
            Subscription s = g.pick();
            if (s != null) {
                out.add(s);
            }
        }
    }

    private static Subscription find(Subscription[] subs, Subscriber subscriber) {
        for (Subscription s : subs) {
            if (s.subscriber() == subscriber) {
                return s;
            }
        }
        return null;
    }

    /** A copy of {@code subs} with the subscriber's entry replaced by {@code with} (removed when null, appended when absent). */
    private static Subscription[] replace(Subscription[] subs, Subscriber subscriber, Subscription with) {
        List<Subscription> out = new ArrayList<>(subs.length + 1);
        boolean done = false;
        for (Subscription s : subs) {
            if (s.subscriber() == subscriber) {
                if (with != null) {
                    out.add(with);
                }
                done = true;
            } else {
                out.add(s);
            }
        }
        if (!done && with != null) {
            out.add(with);
        }
        return out.toArray(NONE);
    }
}
