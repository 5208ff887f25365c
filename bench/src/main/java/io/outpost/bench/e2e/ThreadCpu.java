package io.outpost.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * CPU time of another JVM's threads grouped by what they do (the thread name without its number, as Linux keeps
 * it: 15 characters), from {@code /proc/<pid>/task}: where the gateway spends its CPU, stage by stage, without a
 * profiler in the process.
 */
public final class ThreadCpu {

    private ThreadCpu() {
    }

    /** Clock ticks of user + system time per thread group. */
    public static Map<String, Long> ticks(long pid) {
        Map<String, Long> out = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String[] f = stat.substring(close + 2).split(" ");
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    out.merge(group(stat.substring(open + 1, close)), ticks, Long::sum);
                } catch (IOException | RuntimeException e) {
                    // The thread ended between the listing and the read: its time is gone with it.
                    continue;
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    static String group(String name) {
        return name.replaceAll("[0-9]+", "").replaceAll("[-#_ ]+$", "");
    }

    /** The groups' share of {@code wallSeconds}, in cores, largest first: {@code outpost-core:0.12,...}. */
    public static String cores(Map<String, Long> before, Map<String, Long> after, double wallSeconds, long ticksPerSecond) {
        Map<String, Double> cores = new HashMap<>();
        after.forEach((k, v) -> cores.put(k, (v - before.getOrDefault(k, 0L)) / (double) ticksPerSecond / wallSeconds));
        return cores.entrySet().stream().filter(e -> e.getValue() >= 0.005)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(e -> String.format(java.util.Locale.ROOT, "%s:%.3f", e.getKey().replace(' ', '_'), e.getValue()))
                .collect(Collectors.joining(","));
    }
}
