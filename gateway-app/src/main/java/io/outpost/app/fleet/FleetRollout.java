package io.outpost.app.fleet;

import java.io.PrintWriter;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A staged push of one configuration to many gateways: first the canary set, and only when every canary answered
 * {@code healthy} (applied and through its grace period) the rest; the rollout stops at the first gateway that
 * rejected the configuration, rolled it back or did not answer in time. Each gateway gets the configuration signed
 * for it, with a version one above the highest it reported.
 */
public final class FleetRollout {

    /** How the rollout ended. */
    public record Outcome(boolean complete, Map<String, FleetClient.Result> results, List<String> notReached,
                          String stoppedBecause) {
    }

    /**
     * Pushes sent and not yet acknowledged by the broker, at most. The control link refuses a publish beyond its own
     * limit of 1,000 outstanding; a stage of 2,000 well pads must wait for acknowledgements, not lose half its pushes.
     */
    static final int MAX_UNACKNOWLEDGED = 500;

    private final FleetClient client;
    private final Semaphore unacknowledged = new Semaphore(MAX_UNACKNOWLEDGED);
    private final PrivateKey key;
    private final String keyId;
    private final Duration timeout;
    private final PrintWriter out;

    /**
     * @param timeout how long a stage may take (the gateways' grace period plus the time to apply)
     * @param out     where progress is printed, one line per result
     */
    public FleetRollout(FleetClient client, PrivateKey key, String keyId, Duration timeout, PrintWriter out) {
        this.client = client;
        this.key = key;
        this.keyId = keyId;
        this.timeout = timeout;
        this.out = out;
    }

    /**
     * The canary set and the rest. {@code canary} is a count ({@code 3}) or a share ({@code 5%}, rounded up, at
     * least one); null or empty: one stage.
     */
    public static List<List<String>> stages(List<String> targets, String canary) {
        List<String> sorted = targets.stream().sorted().toList();
        if (canary == null || canary.isBlank() || sorted.size() <= 1) {
            return sorted.isEmpty() ? List.of() : List.of(sorted);
        }
        String c = canary.trim();
        int n;
        if (c.endsWith("%")) {
            double share = Double.parseDouble(c.substring(0, c.length() - 1));
            if (!(share > 0 && share <= 100)) {
                throw new IllegalArgumentException("--canary share must be above 0% and at most 100%, found " + c);
            }
            n = (int) Math.ceil(sorted.size() * share / 100.0);
        } else {
            n = Integer.parseInt(c);
            if (n < 1) {
                throw new IllegalArgumentException("--canary count must be at least 1, found " + c);
            }
        }
        n = Math.max(1, Math.min(n, sorted.size()));
        if (n == sorted.size()) {
            return List.of(sorted);
        }
        return List.of(sorted.subList(0, n), sorted.subList(n, sorted.size()));
    }

    /** Runs the stages; blocks until done or stopped. */
    public Outcome run(List<List<String>> stages, byte[] config) throws InterruptedException, GeneralSecurityException {
        Map<String, Long> expected = new ConcurrentHashMap<>();
        Map<String, FleetClient.Result> done = new ConcurrentHashMap<>();
        client.onResult(r -> {
            Long v = expected.get(r.gateway());
            if (v != null && r.version() == v) {
                out.printf("%-24s version %d: %s%s%n", r.gateway(), r.version(), r.status(),
                        r.reason().isEmpty() ? "" : " (" + r.reason() + ") " + r.detail());
                r.errors().forEach(e -> out.println("    " + e));
                if (r.terminal()) {
                    done.put(r.gateway(), r);
                }
            }
        });
        List<String> notReached = new ArrayList<>();
        for (int s = 0; s < stages.size(); s++) {
            List<String> stage = stages.get(s);
            out.printf("stage %d of %d: %d gateway(s)%s%n", s + 1, stages.size(), stage.size(),
                    s == 0 && stages.size() > 1 ? " (canary)" : "");
            for (String gateway : stage) {
                long version = nextVersion(gateway);
                SignedEnvelope e = new SignedEnvelope(SignedEnvelope.CONFIG, gateway, version, keyId, config, new byte[0]);
                SignedEnvelope signed = new SignedEnvelope(e.type(), gateway, version, keyId, config,
                        Ed25519Keys.sign(key, e.signedBytes()));
                expected.put(gateway, version);
                if (!unacknowledged.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    out.printf("%-24s not sent: the broker acknowledged none of %d pushes within %d s%n", gateway,
                            MAX_UNACKNOWLEDGED, timeout.toSeconds());
                    continue;
                }
                try {
                    client.pushConfig(signed).whenComplete((ok, err) -> {
                        unacknowledged.release();
                        if (err != null) {
                            out.printf("%-24s not sent: %s%n", gateway, err.getMessage());
                        }
                    });
                } catch (RuntimeException noBirth) {
                    unacknowledged.release();
                    throw noBirth;
                }
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            String failed = null;
            while (failed == null && !done.keySet().containsAll(stage) && System.nanoTime() - deadline < 0) {
                TimeUnit.MILLISECONDS.sleep(50);
                failed = firstFailure(stage, done);
            }
            if (failed == null) {
                failed = firstFailure(stage, done);
            }
            if (failed == null && !done.keySet().containsAll(stage)) {
                List<String> silent = stage.stream().filter(g -> !done.containsKey(g)).toList();
                failed = "no final answer within " + timeout.toSeconds() + " s from " + String.join(", ", silent);
            }
            if (failed != null) {
                for (int rest = s + 1; rest < stages.size(); rest++) {
                    notReached.addAll(stages.get(rest));
                }
                return new Outcome(false, Map.copyOf(done), notReached, failed);
            }
        }
        return new Outcome(true, Map.copyOf(done), notReached, null);
    }

    private static String firstFailure(List<String> stage, Map<String, FleetClient.Result> done) {
        for (String g : stage) {
            FleetClient.Result r = done.get(g);
            if (r != null && !r.status().equals("healthy")) {
                return g + " " + r.status() + (r.reason().isEmpty() ? "" : " (" + r.reason() + ")");
            }
        }
        return null;
    }

    private long nextVersion(String gateway) {
        FleetClient.Birth b = client.births().get(gateway);
        FleetClient.Result r = client.results().get(gateway);
        long highest = Math.max(b == null ? 0 : Math.max(b.highestVersion(), b.configVersion()), r == null ? 0 : r.version());
        return highest + 1;
    }
}
