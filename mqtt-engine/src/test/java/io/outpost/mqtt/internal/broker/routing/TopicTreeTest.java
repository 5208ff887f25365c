package io.outpost.mqtt.internal.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.outpost.core.message.Message;
import io.outpost.mqtt.api.TopicFilter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicTreeTest {

    /** A subscriber that records what it got, on the calling thread. */
    static final class Recorder implements Subscriber {
        final String id;
        boolean online = true;
        final List<String> got = new ArrayList<>();
        final List<int[]> ids = new ArrayList<>();
        final List<Integer> qos = new ArrayList<>();

        Recorder(String id) {
            this.id = id;
        }

        @Override
        public String clientId() {
            return id;
        }

        @Override
        public EventExecutor executor() {
            return ImmediateEventExecutor.INSTANCE;
        }

        @Override
        public boolean online() {
            return online;
        }

        @Override
        public void deliver(Message message, int q, boolean retain, int[] subscriptionIds) {
            got.add(message.topic());
            ids.add(subscriptionIds);
            qos.add(q);
        }
    }

    private final TopicTree tree = new TopicTree();

    private static Subscription sub(Subscriber s, String text, int qos, int id) {
        TopicFilter.Subscription p = TopicFilter.parseSubscription(text);
        return new Subscription(s, p.shareGroup(), p.filter(), qos, false, false, 0, id);
    }

    private List<Subscription> match(String topic) {
        List<Subscription> out = new ArrayList<>();
        tree.match(topic, out);
        return out;
    }

    @Test
    void wildcards_match_as_the_specification_says() {
        Recorder r = new Recorder("a");
        for (String f : List.of("a/b", "a/+", "a/#", "#", "+/+", "+/b/#", "$SYS/#", "+")) {
            tree.add(sub(r, f, 0, 0));
        }
        assertThat(match("a/b")).extracting(s -> s.filter().text())
                .containsExactlyInAnyOrder("a/b", "a/+", "a/#", "#", "+/+", "+/b/#");
        assertThat(match("a")).extracting(s -> s.filter().text()).containsExactlyInAnyOrder("a/#", "#", "+");
        assertThat(match("$SYS/broker/uptime")).extracting(s -> s.filter().text()).containsExactly("$SYS/#");
        assertThat(match("x/b")).extracting(s -> s.filter().text()).containsExactlyInAnyOrder("#", "+/+", "+/b/#");
    }

    @Test
    void subscribing_again_replaces_and_unsubscribing_removes_empty_branches() {
        Recorder r = new Recorder("a");
        assertThat(tree.add(sub(r, "x/y/z", 0, 0))).isNull();
        assertThat(tree.add(sub(r, "x/y/z", 2, 0))).isNotNull();
        assertThat(tree.size()).isEqualTo(1);
        assertThat(match("x/y/z")).singleElement().extracting(Subscription::qos).isEqualTo(2);
        assertThat(tree.remove(r, null, TopicFilter.parse("x/y/z"))).isTrue();
        assertThat(tree.remove(r, null, TopicFilter.parse("x/y/z"))).isFalse();
        assertThat(tree.size()).isZero();
        assertThat(match("x/y/z")).isEmpty();
    }

    @Test
    void shared_groups_deliver_to_one_online_member_in_turn() {
        Recorder a = new Recorder("a");
        Recorder b = new Recorder("b");
        Recorder c = new Recorder("c");
        c.online = false;
        tree.add(sub(a, "$share/g/t/#", 1, 0));
        tree.add(sub(b, "$share/g/t/#", 1, 0));
        tree.add(sub(c, "$share/g/t/#", 1, 0));
        tree.add(sub(a, "$share/other/t/#", 1, 0));
        List<Subscriber> picked = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            List<Subscription> m = match("t/x");
            assertThat(m).hasSize(2);
            picked.add(m.get(0).shareGroup().equals("g") ? m.get(0).subscriber() : m.get(1).subscriber());
        }
        assertThat(picked).contains(a, b).doesNotContain(c);
    }

    @Test
    void the_router_merges_overlapping_subscriptions_of_one_client_and_honours_no_local() {
        Recorder r = new Recorder("me");
        Recorder other = new Recorder("other");
        tree.add(sub(r, "p/+", 0, 3));
        tree.add(sub(r, "p/#", 2, 9));
        tree.add(new Subscription(other, null, TopicFilter.parse("p/#"), 1, true, false, 0, 0));
        Router router = new Router(tree);
        Message m = Message.of("p/q", new byte[0], 2, false, "other", 0);
        assertThat(router.route(m, "other")).isEqualTo(1);
        assertThat(r.got).containsExactly("p/q");
        assertThat(r.qos).containsExactly(2);
        assertThat(r.ids.get(0)).containsExactlyInAnyOrder(3, 9);
        assertThat(other.got).isEmpty();
    }
}
