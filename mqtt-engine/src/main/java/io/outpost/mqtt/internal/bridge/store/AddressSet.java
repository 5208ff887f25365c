package io.outpost.mqtt.internal.bridge.store;

import java.util.Arrays;

/**
 * A set of non-negative int addresses (open addressing, no boxing): the messages of a segment in flight. Not
 * thread-safe; the store's lock guards it.
 */
final class AddressSet {

    private static final int FREE = -1;
    private static final int GONE = -2;

    private int[] slots = filled(16);
    private int size;
    private int used;

    boolean add(int address) {
        if ((used + 1) * 2 > slots.length) {
            rehash(size * 4 > slots.length ? slots.length * 2 : slots.length);
        }
        int mask = slots.length - 1;
        int i = mix(address) & mask;
        int firstGone = -1;
        while (slots[i] != FREE) {
            if (slots[i] == address) {
                return false;
            }
            if (slots[i] == GONE && firstGone < 0) {
                firstGone = i;
            }
            i = (i + 1) & mask;
        }
        if (firstGone >= 0) {
            i = firstGone;
        } else {
            used++;
        }
        slots[i] = address;
        size++;
        return true;
    }

    boolean remove(int address) {
        int mask = slots.length - 1;
        int i = mix(address) & mask;
        while (slots[i] != FREE) {
            if (slots[i] == address) {
                slots[i] = GONE;
                size--;
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    boolean contains(int address) {
        int mask = slots.length - 1;
        int i = mix(address) & mask;
        while (slots[i] != FREE) {
            if (slots[i] == address) {
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    int size() {
        return size;
    }

    private void rehash(int capacity) {
        int[] old = slots;
        slots = filled(capacity);
        size = 0;
        used = 0;
        for (int a : old) {
            if (a >= 0) {
                add(a);
            }
        }
    }

    private static int[] filled(int n) {
        int[] a = new int[n];
        Arrays.fill(a, FREE);
        return a;
    }

    private static int mix(int x) {
        int h = x * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
