package io.outpost.adapter.bacnet.stack;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Checks an APDU's encoding before bacnet4j decodes it: every tag's length fits the data, lengths and tag numbers
 * use their shortest encoding (as the standard requires), opening and closing tags pair up, and application tags
 * have the length their type has (a REAL is 4 bytes, a Date 4, an Unsigned 1 to 8). Segmented confirmed requests
 * are refused outright: the gateway's own device never needs one. Stateless; any thread.
 *
 * <p>Why: bacnet4j (1.3.0-beta1) decodes some encodings forever, on the transport thread that serves every device
 * of the gateway, and any host on the BACnet network can send an unconfirmed request. Its generic walker
 * ({@code AmbiguousValue}, {@code EncodedValue}), which it uses for every value whose type it does not know or that
 * is commandable (present values of outputs and values, proprietary properties, values in COV notifications,
 * private transfers), copies each tag by {@code TagData.getTotalLength()}, an int cast of length plus header: a
 * 4-byte length of 2^31 or more turns negative, nothing is copied and the walker looks at the same tag again,
 * forever (found by fuzzing). The length checks keep such a tag out of the structure as the standard reads it. Two
 * rules keep the walker reading that same structure inside an opening/closing tag pair, the only place it walks:
 * <ul>
 *   <li>no context-tagged value of 6, 7, 14, 15, 22, 23... bytes ({@code length & 6 == 6}): bacnet4j tells an
 *       opening tag by {@code (length & 6) == 6} and a closing one by {@code (length & 7) == 7} on the decoded
 *       length, not on the tag's 3-bit length field, so it takes such a value for an opening (or closing) tag,
 *       copies one byte of it and reads its content as tags: content that, for this check, was opaque;</li>
 *   <li>no opening or closing tag with an extended tag number (15 or more): bacnet4j copies only the first of
 *       their two bytes and reads the tag number as the next tag.</li>
 * </ul>
 * Outside any opening tag bacnet4j decodes by the service's grammar, which reads these correctly (a Who-Has for a
 * 5-character name), so they pass there. Inside one, a typed value may carry them legitimately (a host name in a
 * network port's BDT, the parameters of an event notification) and bacnet4j would read them right, but the guard
 * cannot tell such a place from one the walker reads. No property that a gateway maps to a point has them, and an
 * answer refused for them fails only the points it concerns ({@link CheckedComplexAck}).
 *
 * <p>What the guard cannot see: where bacnet4j reads a field by the type it expects there rather than by its tag
 * (an object identifier or a REAL as 4 bytes whatever the tag says), it falls out of step with the tags checked
 * here and reads content as tags. {@link BoundedByteQueue} ends such a decode.
 */
public final class ApduGuard {

    private static final int CONFIRMED_REQUEST = 0;
    private static final int UNCONFIRMED_REQUEST = 1;
    private static final int COMPLEX_ACK = 3;
    private static final int ERROR = 5;
    private static final int SEGMENTED = 0x08;
    private static final int MAX_DEPTH = 32;

    private ApduGuard() {
    }

    /** True when bacnet4j may decode {@code apdu}; false for a datagram to drop. */
    public static boolean acceptable(byte[] apdu) {
        if (apdu.length == 0) {
            return false;
        }
        int type = (apdu[0] & 0xFF) >>> 4;
        boolean segmented = (apdu[0] & SEGMENTED) != 0;
        return switch (type) {
            case CONFIRMED_REQUEST -> !segmented && apdu.length >= 4 && wellFormed(apdu, 4);
            case UNCONFIRMED_REQUEST -> apdu.length >= 2 && wellFormed(apdu, 2);
            // A segment's tags can be cut anywhere: the answer is checked once reassembled (CheckedComplexAck).
            case COMPLEX_ACK -> segmented || apdu.length >= 3 && wellFormed(apdu, 3);
            case ERROR -> apdu.length >= 3 && wellFormed(apdu, 3);
            default -> true;
        };
    }

    /** True when the bytes from {@code start} are a well-formed sequence of BACnet tags. */
    public static boolean wellFormed(byte[] data, int start) {
        return flaw(data, start).isEmpty();
    }

    /** What is wrong with the tags from {@code start}, for a log line and a reason's message; empty when nothing. */
    public static Optional<String> flaw(byte[] data, int start) {
        Deque<Integer> open = new ArrayDeque<>();
        int i = start;
        int n = data.length;
        while (i < n) {
            int at = i;
            int b = data[i++] & 0xFF;
            int tag = b >>> 4;
            boolean context = (b & 0x08) != 0;
            int lvt = b & 0x07;
            if (tag == 15) {
                if (i >= n) {
                    return flaw(at, "tag number cut off");
                }
                tag = data[i++] & 0xFF;
                if (tag < 15 || tag == 255) {
                    // Only the shortest encoding is valid, and only it keeps bacnet4j in step.
                    return flaw(at, "tag number " + tag + " in the extended form");
                }
            }
            if (context && lvt == 6) {
                if (open.size() > MAX_DEPTH) {
                    return flaw(at, "tags nested deeper than " + MAX_DEPTH);
                }
                if (tag >= 15 && !open.isEmpty()) {
                    return flaw(at, "opening tag [" + tag + "] inside a constructed value (tag numbers of 15 and more"
                            + " in there put bacnet4j out of step)");
                }
                open.push(tag);
                continue;
            }
            if (context && lvt == 7) {
                if (open.isEmpty() || open.pop() != tag) {
                    return flaw(at, "closing tag [" + tag + "] without its opening tag");
                }
                continue;
            }
            if (!context && tag == 1) {
                // BOOLEAN: the value is in the length field.
                if (lvt > 1) {
                    return flaw(at, "BOOLEAN of value " + lvt);
                }
                continue;
            }
            if (!context && lvt > 5) {
                return flaw(at, "application tag " + tag + " with length field " + lvt);
            }
            long length = lvt;
            if (lvt == 5) {
                if (i >= n) {
                    return flaw(at, "length cut off");
                }
                int ext = data[i++] & 0xFF;
                if (ext == 254) {
                    if (n - i < 2) {
                        return flaw(at, "length cut off");
                    }
                    length = ((data[i] & 0xFFL) << 8) | (data[i + 1] & 0xFFL);
                    i += 2;
                    if (length < 254) {
                        return flaw(at, "length " + length + " in a longer form than the standard allows");
                    }
                } else if (ext == 255) {
                    if (n - i < 4) {
                        return flaw(at, "length cut off");
                    }
                    length = ((data[i] & 0xFFL) << 24) | ((data[i + 1] & 0xFFL) << 16) | ((data[i + 2] & 0xFFL) << 8)
                            | (data[i + 3] & 0xFFL);
                    i += 4;
                    if (length < 65_536) {
                        return flaw(at, "length " + length + " in a longer form than the standard allows");
                    }
                } else if (ext < 5) {
                    // Lengths 0 to 4 go in the tag itself; bacnet4j miscounts the longer form (found by fuzzing).
                    return flaw(at, "length " + ext + " in a longer form than the standard allows");
                } else {
                    length = ext;
                }
            }
            if (length > n - i) {
                return flaw(at, "length " + length + " beyond the end (" + (n - i) + " bytes left)");
            }
            if (!context && !fits(tag, length)) {
                return flaw(at, "application tag " + tag + " of " + length + " bytes");
            }
            if (context && (length & 6) == 6 && !open.isEmpty()) {
                return flaw(at, "context tag [" + tag + "] of " + length + " bytes inside a constructed value"
                        + " (bacnet4j takes it for an opening tag and reads its content as tags)");
            }
            i += (int) length;
        }
        return open.isEmpty() ? Optional.empty() : flaw(n, "opening tag [" + open.peek() + "] never closed");
    }

    private static Optional<String> flaw(int offset, String what) {
        return Optional.of(what + " at byte " + offset);
    }

    /** Whether an application tag of this type may have this many content bytes. */
    private static boolean fits(int type, long length) {
        return switch (type) {
            case 0 -> length == 0;                        // Null
            case 2, 3, 9 -> length >= 1 && length <= 8;   // Unsigned, Signed, Enumerated
            case 4, 10, 11, 12 -> length == 4;            // Real, Date, Time, ObjectIdentifier
            case 5 -> length == 8;                        // Double
            case 6 -> true;                               // OctetString
            case 7, 8 -> length >= 1;                     // CharacterString (charset byte), BitString (unused bits)
            default -> false;                             // reserved
        };
    }
}
