package io.outpost.mqtt.internal.broker.routing;

import io.netty.util.concurrent.EventExecutor;
import io.outpost.core.message.Message;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Routes a message to the subscribers whose subscriptions match it. A subscriber with several matching
 * subscriptions gets the message once, with the highest granted QoS and every subscription identifier (MQTT 5
 * 3.3.4). Deliveries are handed to each subscriber's own thread, one task per thread and message; subscribers
 * owned by the calling thread get it at once. Stateless apart from the tree; any thread.
 */
public final class Router {

    private static final int[] NO_IDS = new int[0];

    private final TopicTree tree;

    public Router(TopicTree tree) {
        this.tree = tree;
    }

    public TopicTree tree() {
        return tree;
    }

    /** One subscriber's share of a message. */
    private static final class Target {
        final Subscriber subscriber;
        int qos;
        boolean retain;
        int[] ids;

        Target(Subscriber subscriber, int qos, boolean retain, int id) {
            this.subscriber = subscriber;
            this.qos = qos;
            this.retain = retain;
            this.ids = id == 0 ? NO_IDS : new int[] {id};
        }

        void merge(int otherQos, boolean otherRetain, int id) {
            qos = Math.max(qos, otherQos);
            retain |= otherRetain;
            if (id != 0) {
                int[] more = java.util.Arrays.copyOf(ids, ids.length + 1);
                more[ids.length] = id;
                ids = more;
            }
        }

        void deliver(Message m) {
            subscriber.deliver(m, qos, retain, ids);
        }
    }

    /**
     * Routes a batch of the core's messages (a device's poll): the subscribers of each point topic are remembered
     * between polls ({@link TopicTree#matchCached}), and each subscriber thread gets one task for the whole batch, so
     * a poll nobody subscribes to costs a lookup per reading and nothing else. Any thread.
     *
     * @return the number of deliveries
     */
    public int routeBatch(List<Message> batch) {
        List<Subscription> matched = new ArrayList<>();
        Map<EventExecutor, List<Object>> byExecutor = null;
        int deliveries = 0;
        for (Message message : batch) {
            matched.clear();
            tree.matchCached(message.topic(), matched);
            if (matched.isEmpty()) {
                continue;
            }
            List<Target> targets = targets(message, null, matched);
            if (byExecutor == null) {
                byExecutor = new IdentityHashMap<>(4);
            }
            for (Target t : targets) {
                List<Object> work = byExecutor.computeIfAbsent(t.subscriber.executor(), e -> new ArrayList<>());
                work.add(t);
                work.add(message);
                deliveries++;
            }
        }
        if (byExecutor != null) {
            for (Map.Entry<EventExecutor, List<Object>> e : byExecutor.entrySet()) {
                List<Object> work = e.getValue();
                Runnable task = () -> {
                    for (int i = 0; i < work.size(); i += 2) {
                        ((Target) work.get(i)).deliver((Message) work.get(i + 1));
                    }
                };
                if (e.getKey().inEventLoop()) {
                    task.run();
                } else {
                    e.getKey().execute(task);
                }
            }
        }
        return deliveries;
    }

    /**
     * Routes {@code message} published by {@code publisherClientId} (null for in-process publishers).
     *
     * @return the number of subscribers it goes to
     */
    public int route(Message message, String publisherClientId) {
        List<Subscription> matched = new ArrayList<>();
        tree.match(message.topic(), matched);
        if (matched.isEmpty()) {
            return 0;
        }
        if (matched.size() == 1) {
            return routeToOne(message, publisherClientId, matched.get(0));
        }
        List<Target> order = targets(message, publisherClientId, matched);
        dispatch(message, order);
        return order.size();
    }

    /** Each subscriber's share of a message: one target per subscriber, whatever the number of its matches. */
    private static List<Target> targets(Message message, String publisherClientId, List<Subscription> matched) {
        Map<Subscriber, Target> targets = new IdentityHashMap<>(matched.size() * 2);
        List<Target> order = new ArrayList<>(matched.size());
        for (Subscription s : matched) {
            if (s.noLocal() && publisherClientId != null && publisherClientId.equals(s.subscriber().clientId())) {
                continue;
            }
            int qos = Math.min(message.qos(), s.qos());
            boolean retain = s.retainAsPublished() && message.retain();
            Target t = targets.get(s.subscriber());
            if (t == null) {
                t = new Target(s.subscriber(), qos, retain, s.identifier());
                targets.put(s.subscriber(), t);
                order.add(t);
            } else {
                t.merge(qos, retain, s.identifier());
            }
        }
        return order;
    }

    /** The common case of one matching subscription, without the bookkeeping of merging and grouping. */
    private static int routeToOne(Message message, String publisherClientId, Subscription s) {
        if (s.noLocal() && publisherClientId != null && publisherClientId.equals(s.subscriber().clientId())) {
            return 0;
        }
        Target t = new Target(s.subscriber(), Math.min(message.qos(), s.qos()), s.retainAsPublished() && message.retain(),
                s.identifier());
        EventExecutor executor = t.subscriber.executor();
        if (executor.inEventLoop()) {
            t.deliver(message);
        } else {
            executor.execute(() -> t.deliver(message));
        }
        return 1;
    }

    private static void dispatch(Message message, List<Target> targets) {
        Map<EventExecutor, List<Target>> byExecutor = null;
        List<Target> here = null;
        for (Target t : targets) {
            EventExecutor executor = t.subscriber.executor();
            if (executor.inEventLoop()) {
                if (here == null) {
                    here = new ArrayList<>();
                }
                here.add(t);
            } else {
                if (byExecutor == null) {
                    byExecutor = new IdentityHashMap<>(4);
                }
                byExecutor.computeIfAbsent(executor, e -> new ArrayList<>()).add(t);
            }
        }
        if (byExecutor != null) {
            for (Map.Entry<EventExecutor, List<Target>> e : byExecutor.entrySet()) {
                List<Target> batch = e.getValue();
                e.getKey().execute(() -> {
                    for (Target t : batch) {
                        t.deliver(message);
                    }
                });
            }
        }
        if (here != null) {
            for (Target t : here) {
                t.deliver(message);
            }
        }
    }
}
