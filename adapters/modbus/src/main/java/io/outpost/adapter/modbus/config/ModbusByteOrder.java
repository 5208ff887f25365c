package io.outpost.adapter.modbus.config;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How a multi-byte value is laid out over registers, named by where the bytes of the big-endian value {@code ABCD}
 * appear on the wire: {@link #ABCD} is the Modbus standard (high word first, high byte first), {@link #CDAB} swaps
 * the words (common in PLCs), {@link #BADC} swaps the bytes in each register, {@link #DCBA} is fully little-endian.
 * The same two swaps define the 64-bit orders ({@code ABCDEFGH}, {@code GHEFCDAB}, {@code BADCFEHG},
 * {@code HGFEDCBA}) and the 16-bit ones ({@code AB}, {@code BA}); the transform is its own inverse, so one method
 * serves reading and writing.
 */
public enum ModbusByteOrder {
    ABCD(false, false),
    BADC(true, false),
    CDAB(false, true),
    DCBA(true, true);

    private final boolean swapBytes;
    private final boolean reverseWords;

    ModbusByteOrder(boolean swapBytes, boolean reverseWords) {
        this.swapBytes = swapBytes;
        this.reverseWords = reverseWords;
    }

    /**
     * A name as written in YAML and the value width it was written for: 2 for {@code AB}/{@code BA}, 4 for the
     * four-letter names (which also mean their 64-bit equivalent), 8 for the eight-letter names.
     */
    public record Named(ModbusByteOrder order, int widthBytes, String name) {
    }

    private static final Map<String, Named> NAMES = Map.ofEntries(
            Map.entry("AB", new Named(ABCD, 2, "AB")),
            Map.entry("BA", new Named(BADC, 2, "BA")),
            Map.entry("ABCD", new Named(ABCD, 4, "ABCD")),
            Map.entry("BADC", new Named(BADC, 4, "BADC")),
            Map.entry("CDAB", new Named(CDAB, 4, "CDAB")),
            Map.entry("DCBA", new Named(DCBA, 4, "DCBA")),
            Map.entry("ABCDEFGH", new Named(ABCD, 8, "ABCDEFGH")),
            Map.entry("BADCFEHG", new Named(BADC, 8, "BADCFEHG")),
            Map.entry("GHEFCDAB", new Named(CDAB, 8, "GHEFCDAB")),
            Map.entry("HGFEDCBA", new Named(DCBA, 8, "HGFEDCBA")));

    public static Optional<Named> parse(String text) {
        return Optional.ofNullable(NAMES.get(text.trim().toUpperCase(Locale.ROOT)));
    }

    public static String allowedNames() {
        return "AB, BA (16-bit); ABCD, BADC, CDAB, DCBA (32-bit, and their 64-bit equivalents); "
                + "ABCDEFGH, BADCFEHG, GHEFCDAB, HGFEDCBA (64-bit)";
    }

    /**
     * Copies {@code registers} registers from wire order at {@code src[srcOffset]} to big-endian value order at
     * {@code dst[dstOffset]}, or back: the permutation is an involution.
     */
    public void permute(byte[] src, int srcOffset, byte[] dst, int dstOffset, int registers) {
        for (int i = 0; i < registers; i++) {
            int r = reverseWords ? registers - 1 - i : i;
            byte hi = src[srcOffset + 2 * r];
            byte lo = src[srcOffset + 2 * r + 1];
            dst[dstOffset + 2 * i] = swapBytes ? lo : hi;
            dst[dstOffset + 2 * i + 1] = swapBytes ? hi : lo;
        }
    }

    /** The conventional name for a value of {@code widthBytes}, e.g. {@code GHEFCDAB} for {@link #CDAB} at 8. */
    public String nameFor(int widthBytes) {
        for (Named n : NAMES.values()) {
            if (n.order == this && n.widthBytes == widthBytes) {
                return n.name;
            }
        }
        return name();
    }
}
