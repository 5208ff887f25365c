package io.outpost.mqtt.bridge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outpost.mqtt.api.TopicFilter;
import io.outpost.mqtt.bridge.config.TopicRewrite;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TopicRewriteTest {

    @ParameterizedTest(name = "{0} with {1}: {2} -> {3}")
    @CsvSource({
        "north-field/#, sites/{topic}, north-field/tank/level, sites/north-field/tank/level",
        "north-field/#, plant-7/{#}, north-field/tank/level, plant-7/tank/level",
        "north-field/#, plant-7/{#}, north-field, plant-7/",
        "+/+/alarms/#, alarms/{gateway}/{2}/{#}, north-field/pump/alarms/dry-run, alarms/gw-1/pump/dry-run",
        "cmd/{gateway}/#, '{site}/{#}', cmd/{gateway}/x, north/x",
        "a/b, c/d, a/b, c/d",
    })
    void rewrites_as_the_template_says(String filter, String template, String topic, String expected) {
        TopicRewrite r = TopicRewrite.parse(template, TopicFilter.parse(filter), "gw-1", "north");
        assertThat(r.apply(topic)).isEqualTo(expected);
    }

    @Test
    void a_topic_outside_the_filter_or_a_rewrite_to_nothing_gives_null() {
        assertThat(TopicRewrite.parse("{topic}", TopicFilter.parse("a/#"), "g", "s").apply("b/c")).isNull();
        assertThat(TopicRewrite.parse("{#}", TopicFilter.parse("a/#"), "g", "s").apply("a")).isNull();
    }

    @Test
    void placeholders_the_filter_cannot_fill_are_refused_when_read() {
        assertThatThrownBy(() -> TopicRewrite.parse("x/{#}", TopicFilter.parse("a/+"), "g", "s"))
                .hasMessageContaining("{#}").hasMessageContaining("{1}");
        assertThatThrownBy(() -> TopicRewrite.parse("x/{2}", TopicFilter.parse("a/+"), "g", "s")).hasMessageContaining("{2}");
        assertThatThrownBy(() -> TopicRewrite.parse("x/+", TopicFilter.parse("a/+"), "g", "s")).hasMessageContaining("wildcards");
    }
}
