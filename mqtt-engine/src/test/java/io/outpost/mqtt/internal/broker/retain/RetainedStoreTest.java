package io.outpost.mqtt.internal.broker.retain;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.core.message.Message;
import io.outpost.core.message.MessageHeader;
import io.outpost.core.message.MessageProperties;
import io.outpost.mqtt.api.TopicFilter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetainedStoreTest {

    private final RetainedStore store = new RetainedStore();

    private static Message m(String topic, String payload, Long expiry, long at) {
        return Message.of(new MessageHeader(topic, 1, true, new MessageProperties(List.of(), expiry, null, null, null,
                false), "c"), payload.getBytes(StandardCharsets.UTF_8), at);
    }

    private List<String> match(String filter, long now) {
        List<String> out = new ArrayList<>();
        store.match(TopicFilter.parse(filter), now, x -> out.add(x.topic()));
        return out;
    }

    @Test
    void filters_find_retained_topics_including_the_parent_of_hash_but_not_dollar_topics_for_wildcards() {
        for (String t : List.of("a", "a/b", "a/b/c", "a/x", "b", "$SYS/uptime")) {
            store.put(m(t, "v", null, 0));
        }
        assertThat(match("a/#", 0)).containsExactlyInAnyOrder("a", "a/b", "a/b/c", "a/x");
        assertThat(match("a/+", 0)).containsExactlyInAnyOrder("a/b", "a/x");
        assertThat(match("#", 0)).containsExactlyInAnyOrder("a", "a/b", "a/b/c", "a/x", "b");
        assertThat(match("+", 0)).containsExactlyInAnyOrder("a", "b");
        assertThat(match("$SYS/#", 0)).containsExactly("$SYS/uptime");
        assertThat(store.size()).isEqualTo(6);
    }

    @Test
    void a_newer_message_replaces_and_an_empty_one_clears() {
        store.put(m("t", "1", null, 0));
        store.put(m("t", "2", null, 0));
        assertThat(new String(store.get("t", 0).payload(), StandardCharsets.UTF_8)).isEqualTo("2");
        store.put(m("t", "", null, 0));
        assertThat(store.get("t", 0)).isNull();
        assertThat(store.size()).isZero();
        assertThat(store.all()).isEmpty();
    }

    @Test
    void expired_messages_are_not_handed_out_and_are_dropped() {
        store.put(m("e", "x", 10L, 1_000));
        assertThat(match("e", 10_999)).containsExactly("e");
        assertThat(match("e", 11_000)).isEmpty();
        assertThat(store.size()).isZero();
    }

    @Test
    void a_topic_cleared_and_published_again_is_found_by_name_and_by_filter() {
        store.put(m("a/b", "1", null, 0));
        store.put(m("a/b/c", "2", null, 0));
        store.put(m("a/b", "", null, 0));
        store.put(m("a/b/c", "", null, 0));
        assertThat(store.all()).isEmpty();

        store.put(m("a/b/c", "3", null, 0));
        store.put(m("a/b", "4", null, 0));
        store.put(m("a/b", "5", null, 0));

        assertThat(new String(store.get("a/b", 0).payload(), StandardCharsets.UTF_8)).isEqualTo("5");
        assertThat(new String(store.get("a/b/c", 0).payload(), StandardCharsets.UTF_8)).isEqualTo("3");
        assertThat(match("a/#", 0)).containsExactlyInAnyOrder("a/b", "a/b/c");
        assertThat(store.size()).isEqualTo(2);
    }

    @Test
    void an_expired_message_dropped_by_a_match_leaves_its_topic_usable() {
        store.put(m("e/1", "x", 10L, 1_000));
        assertThat(match("e/#", 11_000)).isEmpty();
        store.put(m("e/1", "y", null, 12_000));
        assertThat(match("e/#", 12_000)).containsExactly("e/1");
        assertThat(store.get("e/1", 12_000)).isNotNull();
    }
}
