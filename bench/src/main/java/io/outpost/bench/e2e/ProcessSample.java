package io.outpost.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time and resident memory of another process, read from {@code /proc} (Linux): what {@code top} shows, without
 * being inside the process.
 */
public record ProcessSample(long pid, long cpuNanos, long rssKb, long wallNanos) {

    public static ProcessSample of(long pid) {
        long cpu = ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
        return new ProcessSample(pid, cpu, statusKb(pid, "VmRSS:"), System.nanoTime());
    }

    /** Peak resident memory of the process so far, in KB. */
    public static long peakRssKb(long pid) {
        return statusKb(pid, "VmHWM:");
    }

    /** CPU used between two samples, in cores (1.0 = one core busy all the time). */
    public double coresSince(ProcessSample earlier) {
        return (double) (cpuNanos - earlier.cpuNanos) / (wallNanos - earlier.wallNanos);
    }

    private static long statusKb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // The process is gone, or this is not Linux: no figure rather than a wrong one.
            return -1;
        }
        return -1;
    }
}
