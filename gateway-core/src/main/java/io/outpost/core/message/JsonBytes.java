package io.outpost.core.message;

import com.fasterxml.jackson.core.io.NumberOutput;
import io.outpost.core.point.Value;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes the point payload's JSON straight into bytes: the hot path of a per-point uplink or a local subscriber
 * renders every reading, and a streaming generator per reading costs several times the payload in garbage. Writes
 * exactly what {@link JsonPayloadFormat#writeValue} writes through Jackson (a test compares the two on random
 * values): numbers in their shortest form, non-finite floats as strings, strings escaped as Jackson escapes them.
 * Not thread-safe; one per rendering.
 */
final class JsonBytes {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private byte[] buf;
    private int size;

    JsonBytes(int sizeHint) {
        buf = new byte[sizeHint];
    }

    JsonBytes raw(String ascii) {
        int n = ascii.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[size++] = (byte) ascii.charAt(i);
        }
        return this;
    }

    JsonBytes number(long v) {
        return raw(Long.toString(v));
    }

    JsonBytes value(Value value) {
        if (value instanceof Value.Bool b) {
            raw(b.value() ? "true" : "false");
        } else if (value instanceof Value.Int i) {
            number(i.value());
        } else if (value instanceof Value.UInt64 u) {
            raw(Long.toUnsignedString(u.bits()));
        } else if (value instanceof Value.Real r) {
            double d = r.value();
            if (!Double.isFinite(d)) {
                string(Double.toString(d));
            } else {
                raw(r.single() ? NumberOutput.toString((float) d, true) : NumberOutput.toString(d, true));
            }
        } else if (value instanceof Value.Text t) {
            string(t.value());
        } else if (value instanceof Value.Array a) {
            raw("[");
            for (int i = 0; i < a.items().size(); i++) {
                if (i > 0) {
                    raw(",");
                }
                value(a.items().get(i));
            }
            raw("]");
        }
        return this;
    }

    /** A JSON string, escaped like Jackson's default: quote, backslash and control characters. */
    JsonBytes string(String s) {
        ensure(s.length() + 2);
        buf[size++] = '"';
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                ensure(1);
                buf[size++] = (byte) c;
            } else if (c == '"' || c == '\\') {
                ensure(2);
                buf[size++] = '\\';
                buf[size++] = (byte) c;
            } else if (c < 0x20) {
                escapeControl(c);
            } else if (Character.isSurrogate(c)) {
                // As Jackson writes characters beyond the basic plane: as their surrogate pair, escaped.
                unicodeEscape(c);
            } else {
                ensure(3);
                if (c < 0x800) {
                    buf[size++] = (byte) (0xC0 | c >> 6);
                } else {
                    buf[size++] = (byte) (0xE0 | c >> 12);
                    buf[size++] = (byte) (0x80 | c >> 6 & 0x3F);
                }
                buf[size++] = (byte) (0x80 | c & 0x3F);
            }
        }
        ensure(1);
        buf[size++] = '"';
        return this;
    }

    private void escapeControl(char c) {
        ensure(6);
        buf[size++] = '\\';
        switch (c) {
            case '\b' -> buf[size++] = 'b';
            case '\t' -> buf[size++] = 't';
            case '\n' -> buf[size++] = 'n';
            case '\f' -> buf[size++] = 'f';
            case '\r' -> buf[size++] = 'r';
            default -> {
                size--;
                unicodeEscape(c);
            }
        }
    }

    private void unicodeEscape(char c) {
        ensure(6);
        buf[size++] = '\\';
        buf[size++] = 'u';
        buf[size++] = HEX[c >> 12 & 0xF];
        buf[size++] = HEX[c >> 8 & 0xF];
        buf[size++] = HEX[c >> 4 & 0xF];
        buf[size++] = HEX[c & 0xF];
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int more) {
        if (buf.length - size < more) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
