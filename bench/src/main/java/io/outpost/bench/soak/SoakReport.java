package io.outpost.bench.soak;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a soak found: the books at the end, the faults it ran, and the cross-check of the last gateway run against
 * the gateway's own count of accepted messages.
 *
 * @param faults        how many times each kind of fault ran
 * @param lastRunAccepted messages the last gateway run's engine accepted into the upstream queue (its
 *                        {@code outpost_bridge_messages_accepted_total}), or -1 when it could not be read
 * @param lastRunDelivered distinct messages of that run at the cloud
 */
public record SoakReport(long seed, double minutes, Counts counts, Map<Fault, Integer> faults, long lastRunAccepted,
                         long lastRunDelivered) {

    /**
     * @param attempted          publications the local publisher sent
     * @param accepted           of those, acknowledged by the gateway (PUBACK, PUBREC): it must deliver them
     * @param publisherDelivered distinct publications at the cloud
     * @param lost               accepted publications that never arrived
     * @param unacknowledged     publications that arrived although the gateway died before acknowledging them
     * @param deviceReadings     distinct device readings at the cloud
     * @param received           every message the cloud received, duplicates included
     * @param distinct           distinct messages (by the bridge's message id)
     * @param runs               gateway runs (epochs) seen at the cloud
     * @param gaps               message ids missing inside a run: accepted by the engine, never delivered
     * @param duplicatesQos1     QoS 1 messages delivered more than once (allowed; the id lets consumers drop them)
     * @param duplicatesQos2     QoS 2 messages delivered more than once (never allowed)
     * @param disorders          first arrivals out of order on their topic
     * @param malformed          messages without id, with a lower QoS than forwarded, or never published
     * @param retainedReplays    retained messages replayed to the subscriber (not deliveries)
     * @param examples           the first problems found, for the log
     */
    public record Counts(long attempted, long accepted, long publisherDelivered, long lost, long unacknowledged,
                         long deviceReadings, long received, long distinct, long runs, long gaps, long duplicatesQos1,
                         long duplicatesQos2, long disorders, long malformed, long retainedReplays, List<String> examples) {
    }

    /** Nothing accepted was lost, no QoS 2 message came twice, nothing arrived out of order. */
    public boolean clean() {
        return counts.lost() == 0 && counts.gaps() == 0 && counts.duplicatesQos2() == 0 && counts.disorders() == 0
                && counts.malformed() == 0 && (lastRunAccepted < 0 || lastRunAccepted == lastRunDelivered);
    }

    public String text() {
        Counts c = counts;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "SOAK %s after %.1f minutes (seed %d)%n", clean() ? "PASSED" : "FAILED",
                minutes, seed));
        s.append("  faults: ").append(faults).append('\n');
        s.append(String.format(Locale.ROOT, "  local publisher (QoS 1 and 2): generated %d, accepted by the gateway %d, "
                        + "delivered %d, lost %d (delivered although never acknowledged: %d)%n", c.attempted(), c.accepted(),
                c.publisherDelivered(), c.lost(), c.unacknowledged()));
        s.append(String.format(Locale.ROOT, "  device readings delivered: %d%n", c.deviceReadings()));
        s.append(String.format(Locale.ROOT, "  at the cloud: %d messages received, %d distinct, from %d gateway runs; "
                        + "accepted by the engine but missing (id gaps): %d%n", c.received(), c.distinct(), c.runs(), c.gaps()));
        s.append(String.format(Locale.ROOT, "  duplicated: QoS 1 %d (allowed, same id), QoS 2 %d; out of order: %d; "
                + "malformed: %d; retained replays ignored: %d%n", c.duplicatesQos1(), c.duplicatesQos2(), c.disorders(),
                c.malformed(), c.retainedReplays()));
        s.append(String.format(Locale.ROOT, "  last gateway run: engine accepted %d, cloud received %d distinct%n",
                lastRunAccepted, lastRunDelivered));
        for (String e : c.examples()) {
            s.append("  ! ").append(e).append('\n');
        }
        return s.toString();
    }
}
