package io.outpost.core.logic.computed;

import io.outpost.core.config.ConfigProblems;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.DidYouMean;
import io.outpost.core.config.PointConfig;
import io.outpost.core.config.SourceMark;
import io.outpost.core.point.PointRef;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The checks of computed points that need the whole file: every input names a point that exists (on any device,
 * enabled or not: a disabled device's point is reported, since its value would always be missing), and computed
 * points do not depend on each other in a cycle (which would compute forever). Runs once at load.
 */
public final class ComputedPointsCheck {

    private ComputedPointsCheck() {
    }

    public static void check(List<DeviceConfig> devices, ConfigProblems problems) {
        Map<PointRef, PointConfig> all = new HashMap<>();
        Map<PointRef, Boolean> enabled = new HashMap<>();
        Map<PointRef, ComputedPointSettings> computed = new LinkedHashMap<>();
        for (DeviceConfig d : devices) {
            for (PointConfig p : d.points()) {
                all.put(p.ref(), p);
                enabled.put(p.ref(), d.enabled());
                if (p.settings() instanceof ComputedPointSettings s) {
                    computed.put(p.ref(), s);
                }
            }
        }
        if (computed.isEmpty()) {
            return;
        }
        Set<String> names = all.keySet().stream().map(PointRef::toString).collect(Collectors.toSet());
        computed.forEach((ref, s) -> s.inputs().forEach((name, input) -> {
            SourceMark at = s.inputMarks().getOrDefault(name, all.get(ref).location());
            String path = "inputs." + name;
            if (!all.containsKey(input)) {
                String hint = DidYouMean.suggest(input.toString(), names).map(h -> "; did you mean '" + h + "'?")
                        .orElse("");
                problems.add(at, path, "computed point " + ref + ": input '" + name + "' names point " + input
                        + ", which no device has" + hint);
            } else if (!enabled.get(input)) {
                problems.add(at, path, "computed point " + ref + ": input '" + name + "' names point " + input
                        + " of a disabled device; its value would always be missing");
            } else if (input.equals(ref)) {
                problems.add(at, path, "computed point " + ref + " uses itself as input '" + name + "'");
            }
        }));
        reportCycles(computed, all, problems);
    }

    private static void reportCycles(Map<PointRef, ComputedPointSettings> computed, Map<PointRef, PointConfig> all,
                                     ConfigProblems problems) {
        Map<PointRef, Integer> state = new HashMap<>(); // 1 = on the current path, 2 = done
        Set<Set<PointRef>> reported = new HashSet<>();
        for (PointRef start : computed.keySet()) {
            if (state.containsKey(start)) {
                continue;
            }
            // Iterative depth-first search: a long chain of computed points must not overflow the stack.
            Deque<PointRef> path = new ArrayDeque<>();
            Deque<java.util.Iterator<PointRef>> next = new ArrayDeque<>();
            path.push(start);
            next.push(inputsOf(start, computed).iterator());
            state.put(start, 1);
            while (!path.isEmpty()) {
                java.util.Iterator<PointRef> it = next.peek();
                if (!it.hasNext()) {
                    state.put(path.pop(), 2);
                    next.pop();
                    continue;
                }
                PointRef input = it.next();
                Integer s = state.get(input);
                if (s == null) {
                    state.put(input, 1);
                    path.push(input);
                    next.push(inputsOf(input, computed).iterator());
                } else if (s == 1 && !input.equals(path.peek())) {
                    List<PointRef> cycle = new ArrayList<>();
                    for (PointRef p : (Iterable<PointRef>) path::descendingIterator) {
                        if (p.equals(input) || !cycle.isEmpty()) {
                            cycle.add(p);
                        }
                    }
                    if (reported.add(Set.copyOf(cycle))) {
                        String names = cycle.stream().map(PointRef::toString).collect(Collectors.joining(" -> "))
                                + " -> " + input;
                        problems.add(all.get(input).location(), "expression", "computed points depend on each other "
                                + "in a cycle (each uses the next): " + names
                                + "; one of them must use a measured point instead");
                    }
                }
            }
        }
    }

    private static List<PointRef> inputsOf(PointRef ref, Map<PointRef, ComputedPointSettings> computed) {
        ComputedPointSettings s = computed.get(ref);
        return s == null ? List.of() : List.copyOf(s.inputs().values());
    }
}
