package io.outpost.adapter.bacnet.stack;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Checks an incoming APDU's encoding before bacnet4j decodes it: every tag's length fits the datagram, lengths
 * and tag numbers use their shortest encoding (as the standard requires), opening and closing tags pair up, and
 * application tags have the length their type has (a REAL is 4 bytes, a Date 4, an Unsigned 1 to 8). bacnet4j 6 decodes some malformed values forever (a negative extended length in a
 * proprietary value loops in {@code AmbiguousValue}: found by fuzzing), on the transport thread that serves
 * every device of the gateway, and any host on the BACnet network can send an unconfirmed request. Segmented
 * confirmed requests are refused outright: the gateway's own device never needs one. Stateless; any thread.
 */
public final class ApduGuard {

    private static final int CONFIRMED_REQUEST = 0;
    private static final int UNCONFIRMED_REQUEST = 1;
    private static final int COMPLEX_ACK = 3;
    private static final int ERROR = 5;
    private static final int SEGMENTED = 0x08;

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
            // A segment's tags can be cut anywhere: the reassembled answer comes from a device we asked.
            case COMPLEX_ACK -> segmented || apdu.length >= 3 && wellFormed(apdu, 3);
            case ERROR -> apdu.length >= 3 && wellFormed(apdu, 3);
            default -> true;
        };
    }

    /** True when the bytes from {@code start} are a well-formed sequence of BACnet tags. */
    public static boolean wellFormed(byte[] data, int start) {
        Deque<Integer> open = new ArrayDeque<>();
        int i = start;
        int n = data.length;
        while (i < n) {
            int b = data[i++] & 0xFF;
            int tag = b >>> 4;
            boolean context = (b & 0x08) != 0;
            int lvt = b & 0x07;
            if (tag == 15) {
                if (i >= n) {
                    return false;
                }
                tag = data[i++] & 0xFF;
                if (tag < 15 || tag == 255) {
                    // Only the shortest encoding is valid, and only it keeps bacnet4j in step.
                    return false;
                }
            }
            if (context && lvt == 6) {
                if (open.size() > 32) {
                    return false;
                }
                open.push(tag);
                continue;
            }
            if (context && lvt == 7) {
                if (open.isEmpty() || open.pop() != tag) {
                    return false;
                }
                continue;
            }
            if (!context && tag == 1) {
                // BOOLEAN: the value is in the length field.
                if (lvt > 1) {
                    return false;
                }
                continue;
            }
            if (!context && lvt > 5) {
                return false;
            }
            long length = lvt;
            if (lvt == 5) {
                if (i >= n) {
                    return false;
                }
                int ext = data[i++] & 0xFF;
                if (ext == 254) {
                    if (n - i < 2) {
                        return false;
                    }
                    length = ((data[i] & 0xFFL) << 8) | (data[i + 1] & 0xFFL);
                    i += 2;
                    if (length < 254) {
                        return false;
                    }
                } else if (ext == 255) {
                    if (n - i < 4) {
                        return false;
                    }
                    length = ((data[i] & 0xFFL) << 24) | ((data[i + 1] & 0xFFL) << 16) | ((data[i + 2] & 0xFFL) << 8)
                            | (data[i + 3] & 0xFFL);
                    i += 4;
                    if (length < 65_536) {
                        return false;
                    }
                } else if (ext < 5) {
                    // Lengths 0 to 4 go in the tag itself; bacnet4j miscounts the longer form (found by fuzzing).
                    return false;
                } else {
                    length = ext;
                }
            }
            if (length > n - i || !context && !fits(tag, length)) {
                return false;
            }
            i += (int) length;
        }
        return open.isEmpty();
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
