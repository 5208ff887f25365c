package io.outpost.core.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SafeTextTest {

    @Test
    void ordinary_text_is_returned_as_it_is() {
        String topic = "north-field/pump-1/speed";
        assertThat(SafeText.of(topic)).isSameAs(topic);
        assertThat(SafeText.of("Grüße/température")).isEqualTo("Grüße/température");
        assertThat(SafeText.of(null)).isEqualTo("null");
    }

    @Test
    void line_breaks_and_control_characters_are_escaped_so_no_log_line_can_be_forged() {
        String forged = SafeText.of("evil\n2024-01-01 INFO gateway started\r\u001b[31m\t\u0000\u2028\u202e");
        assertThat(forged).doesNotContain("\n", "\r", "\u001b", "\t", "\u0000", "\u2028", "\u202e");
        assertThat(forged).isEqualTo("evil\\n2024-01-01 INFO gateway started\\r\\u001b[31m\\t\\u0000\\u2028\\u202e");
    }

    @Test
    void a_backslash_is_doubled_so_an_escape_cannot_be_faked() {
        assertThat(SafeText.of("a\\nb")).isEqualTo("a\\\\nb");
    }

    @Test
    void a_very_long_string_is_cut_and_says_how_much_was_left_out() {
        String s = SafeText.of("x".repeat(SafeText.MAX_CHARS + 10));
        assertThat(s).startsWith("x".repeat(SafeText.MAX_CHARS)).endsWith("...(10 more characters)");
    }
}
