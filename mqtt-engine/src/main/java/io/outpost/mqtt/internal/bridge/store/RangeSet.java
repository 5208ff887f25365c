package io.outpost.mqtt.internal.bridge.store;

import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * Disjoint half-open ranges of addresses ({@code [from, to)}), merged as they are added. A segment keeps the
 * messages it no longer holds (acknowledged, dropped) this way, by address (see {@link RecordRef#address()}):
 * acknowledgements come mostly in order, so a segment with a million acknowledged messages needs one range, not a
 * million entries. Two sorted int arrays, searched by bisection: asked several times per message on the sender's
 * path, so no boxing and no allocation but when the arrays grow. Not thread-safe.
 */
final class RangeSet {

    private int[] starts = new int[4];
    private int[] ends = new int[4];
    private int size;

    /** Adds {@code [from, to)}; returns false when {@code from} was already covered. */
    boolean add(int from, int to) {
        int i = floor(from);
        if (i >= 0 && from < ends[i]) {
            return false;
        }
        if (i >= 0 && ends[i] == from) {
            // Extends the range before it (the usual case: acknowledgements in order).
            ends[i] = Math.max(ends[i], to);
        } else {
            i++;
            insert(i, from, to);
        }
        // Swallows the ranges the new end reaches.
        int j = i + 1;
        while (j < size && starts[j] <= ends[i]) {
            ends[i] = Math.max(ends[i], ends[j]);
            j++;
        }
        if (j > i + 1) {
            System.arraycopy(starts, j, starts, i + 1, size - j);
            System.arraycopy(ends, j, ends, i + 1, size - j);
            size -= j - i - 1;
        }
        return true;
    }

    /** True when {@code [from, to)} lies inside one range. */
    boolean covers(int from, int to) {
        int i = floor(from);
        return i >= 0 && to <= ends[i];
    }

    boolean contains(int address) {
        int i = floor(address);
        return i >= 0 && address < ends[i];
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    void forEach(BiConsumer<Integer, Integer> action) {
        for (int i = 0; i < size; i++) {
            action.accept(starts[i], ends[i]);
        }
    }

    /** The index of the last range starting at or before {@code address}, or -1. */
    private int floor(int address) {
        if (size > 0 && starts[size - 1] <= address) {
            return size - 1;
        }
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] <= address) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return hi;
    }

    private void insert(int at, int from, int to) {
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
            ends = Arrays.copyOf(ends, size * 2);
        }
        System.arraycopy(starts, at, starts, at + 1, size - at);
        System.arraycopy(ends, at, ends, at + 1, size - at);
        starts[at] = from;
        ends[at] = to;
        size++;
    }
}
