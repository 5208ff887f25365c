package io.outpost.core.log;

/**
 * Makes a string that came from a peer (an MQTT client id, user name, topic, reason string, a command's value) safe
 * to put into a log line: control characters, line and paragraph separators and bidirectional overrides are written
 * as escapes ({@code \n}, {@code \r}, {@code \t}, {@code \u001b}), a backslash as {@code \\}, so that a peer can
 * neither forge a log line (nor an event in the console's {@code /api/events}) nor hide text; a very long string is
 * cut. Use it for every peer string that is logged, and only there: what the gateway itself writes stays as it is.
 * Stateless and thread-safe.
 */
public final class SafeText {

    /** Characters of a peer string that are logged; the rest is cut and counted, so a 64 KB topic cannot flood the log. */
    static final int MAX_CHARS = 256;

    private SafeText() {
    }

    /** The escaped text of {@code value} ({@code String.valueOf} for non-strings, {@code null} for null). */
    public static String of(Object value) {
        String s = String.valueOf(value);
        int n = s.length();
        int limit = Math.min(n, MAX_CHARS);
        int i = 0;
        while (i < limit && !needsEscape(s.charAt(i))) {
            i++;
        }
        if (i == n) {
            return s;
        }
        StringBuilder out = new StringBuilder(limit + 16).append(s, 0, i);
        for (; i < limit; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (needsEscape(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (n > limit) {
            out.append("...(").append(n - limit).append(" more characters)");
        }
        return out.toString();
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || c == '\\' || c >= 0x7F && c <= 0x9F
                || c == '\u2028' || c == '\u2029' // line and paragraph separators
                || c >= '\u202A' && c <= '\u202E' || c >= '\u2066' && c <= '\u2069' // bidirectional overrides
                || c == '\u200E' || c == '\u200F' || c == '\u061C';
    }
}
