package io.outpost.mqtt.internal.bridge.flow;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * Chooses which priority class sends next: weighted round robin, where a class's priority is its number of send
 * slots per round and higher priorities go first within a round. A class with nothing waiting gives its slots to the
 * others, so alarms overtake a telemetry backlog and the backlog still moves. Not thread-safe.
 */
final class ClassScheduler {

    private final int[] weights;
    private final Integer[] order;
    private final int[] credits;

    public ClassScheduler(int[] weights) {
        this.weights = weights.clone();
        this.credits = weights.clone();
        this.order = new Integer[weights.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(weights[b], weights[a]));
    }

    /** Whether any class has something, without using a send slot. */
    public boolean hasAny(IntPredicate hasData) {
        for (int i : order) {
            if (hasData.test(i)) {
                return true;
            }
        }
        return false;
    }

    /** The class to send from next, or -1 when none has anything ({@code hasData} may be asked several times). */
    public int next(IntPredicate hasData) {
        for (int round = 0; round < 2; round++) {
            for (int i : order) {
                if (credits[i] > 0 && hasData.test(i)) {
                    credits[i]--;
                    return i;
                }
            }
            System.arraycopy(weights, 0, credits, 0, weights.length);
        }
        return -1;
    }
}
