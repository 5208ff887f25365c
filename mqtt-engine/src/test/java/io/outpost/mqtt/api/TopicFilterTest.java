package io.outpost.mqtt.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TopicFilterTest {

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
        "a/b/c, a/b/c, true",
        "a/b/c, a/b, false",
        "a/b, a/b/c, false",
        "a/+/c, a/x/c, true",
        "a/+/c, a//c, true",
        "a/+, a/, true",
        "a/+, a, false",
        "+/+, /x, true",
        "+, a, true",
        "+, a/b, false",
        "a/#, a, true",
        "a/#, a/b/c, true",
        "a/#, ab, false",
        "#, a/b, true",
        "#, $SYS/x, false",
        "+/x, $SYS/x, false",
        "$SYS/#, $SYS/broker/uptime, true",
        "sport/tennis/+, sport/tennis/player1, true",
        "sport/tennis/+, sport/tennis/player1/ranking, false",
        "abc, abd, false",
        "ab, abc, false",
    })
    void matching_follows_the_specification(String filter, String topic, boolean expected) {
        assertThat(TopicFilter.parse(filter).matches(topic)).isEqualTo(expected);
    }

    @Test
    void invalid_filters_are_refused_with_a_reason() {
        assertThatThrownBy(() -> TopicFilter.parse("a/#/b")).hasMessageContaining("'#' must be a whole level and the last");
        assertThatThrownBy(() -> TopicFilter.parse("a/b#")).hasMessageContaining("'#'");
        assertThatThrownBy(() -> TopicFilter.parse("a/+b")).hasMessageContaining("'+' must be a whole level");
        assertThatThrownBy(() -> TopicFilter.parse("")).hasMessageContaining("empty");
    }

    @Test
    void shared_subscriptions_are_unwrapped() {
        TopicFilter.Subscription s = TopicFilter.parseSubscription("$share/g1/site/+/level");

        assertThat(s.shareGroup()).isEqualTo("g1");
        assertThat(s.filter().matches("site/t1/level")).isTrue();
        assertThat(TopicFilter.parseSubscription("site/#").shareGroup()).isNull();
        assertThatThrownBy(() -> TopicFilter.parseSubscription("$share/g1")).hasMessageContaining("$share/{group}/{filter}");
    }
}
