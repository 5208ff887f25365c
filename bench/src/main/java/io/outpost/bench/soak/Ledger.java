package io.outpost.bench.soak;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The soak's books: what the generator side had accepted and what the cloud side received, kept compactly (bit
 * sets), so that a soak of hours fits in memory. Thread-safe (the publisher's event loop and the cloud client's
 * thread write, the soak reads).
 *
 * <p>Every message the bridge forwards carries its stable id {@code oid = <epoch>.<seq>} (base 36): the epoch names
 * one run of the gateway (it changes at every restart), the sequence numbers the messages its engine accepted into
 * the upstream's queue in that run, without holes. So at the cloud side, a missing sequence number between two that
 * arrived is a message the engine had accepted and that never arrived: lost. The local publisher's messages carry
 * their own number and count as accepted once the gateway acknowledged them (PUBACK, or PUBREC for QoS 2).
 */
public final class Ledger {

    /** Topic layout: {@code cloud/soak/q1/...} is forwarded with QoS 1, {@code cloud/soak/q2/...} with QoS 2. */
    static final String CLOUD_PREFIX = "cloud/soak/";
    private static final int EXAMPLES = 10;

    private static final class TopicOrder {
        long epoch = -1;
        long seq = -1;
        long number = -1;
        long arrivedNanos;
    }

    private static final class Epoch {
        final BitSet seqs = new BitSet();
        long min = Long.MAX_VALUE;
        long max = -1;
    }

    // generator side
    private long attempted;
    private final BitSet accepted = new BitSet();
    // cloud side
    private final BitSet delivered = new BitSet();
    private final Map<Long, Epoch> epochs = new TreeMap<>();
    private final Map<String, TopicOrder> order = new HashMap<>();
    private final List<String> problems = new ArrayList<>();
    /** When the ledger began, so that a problem says when it arrived (to find it in the gateway's log). */
    private final long startNanos = System.nanoTime();
    private long received;
    private long distinct;
    private long deviceReadings;
    private long publisherDelivered;
    private long duplicatesQos1;
    private long duplicatesQos2;
    private long disorders;
    private long withoutId;
    private long retainedReplays;
    private long downgraded;
    private long invented;

    // ------------------------------------------------------------------ generator side

    /** The publisher sent message {@code n} (numbers count up from 0). */
    public synchronized void attempted(long n) {
        attempted = Math.max(attempted, n + 1);
    }

    /** The gateway acknowledged message {@code n}: from now on it must reach the cloud. */
    public synchronized void accepted(long n) {
        accepted.set(Math.toIntExact(n));
    }

    // ------------------------------------------------------------------ cloud side

    /**
     * A message the cloud subscriber received.
     *
     * @param oid    the bridge's message id user property, or null
     * @param retain the retain flag as delivered: true only for a retained message replayed on subscribe, which is
     *               not a delivery of the bridge's
     */
    public synchronized void received(String topic, String payload, int qos, boolean retain, String oid) {
        received++;
        if (retain) {
            retainedReplays++;
            return;
        }
        if (!topic.startsWith(CLOUD_PREFIX)) {
            return;
        }
        int wanted = topic.startsWith(CLOUD_PREFIX + "q2/") ? 2 : 1;
        if (qos < wanted) {
            downgraded++;
            problem("QoS " + wanted + " message on " + topic + " arrived with QoS " + qos);
        }
        long epoch = -1;
        long seq = -1;
        if (oid == null) {
            withoutId++;
            problem("no oid on a message on " + topic);
        } else {
            int dot = oid.indexOf('.');
            epoch = Long.parseLong(oid.substring(0, dot), 36);
            seq = Long.parseLong(oid.substring(dot + 1), 36);
            Epoch e = epochs.computeIfAbsent(epoch, k -> new Epoch());
            if (e.seqs.get(Math.toIntExact(seq))) {
                duplicate(wanted, topic, oid);
                return;
            }
            e.seqs.set(Math.toIntExact(seq));
            e.min = Math.min(e.min, seq);
            e.max = Math.max(e.max, seq);
        }
        distinct++;
        long number = -1;
        if (topic.startsWith(CLOUD_PREFIX + "q1/pub/") || topic.startsWith(CLOUD_PREFIX + "q2/pub/")) {
            number = Long.parseLong(payload.trim());
            if (number >= attempted) {
                invented++;
                problem("message " + number + " on " + topic + " arrived but was never published");
            }
            if (delivered.get(Math.toIntExact(number))) {
                // Same number, another id: the gateway accepted the same publication twice.
                duplicate(wanted, topic, "publication " + number);
                return;
            }
            delivered.set(Math.toIntExact(number));
            publisherDelivered++;
        } else {
            deviceReadings++;
        }
        TopicOrder last = order.computeIfAbsent(topic, k -> new TopicOrder());
        boolean inOrder = epoch < 0 || epoch > last.epoch || (epoch == last.epoch && seq > last.seq);
        if (!inOrder || number >= 0 && number < last.number) {
            disorders++;
            problem("out of order on " + topic + ": " + (oid == null ? number : oid) + " after "
                    + Long.toString(last.epoch, 36) + "." + Long.toString(last.seq, 36) + String.format(
                    " (arrival %d, %.1f s after the ledger began; the one before arrived %.1f s earlier)", received,
                    (System.nanoTime() - startNanos) / 1e9, (System.nanoTime() - last.arrivedNanos) / 1e9));
        }
        if (epoch >= 0) {
            last.epoch = epoch;
            last.seq = seq;
        }
        last.arrivedNanos = System.nanoTime();
        last.number = Math.max(last.number, number);
    }

    private void duplicate(int qos, String topic, String what) {
        if (qos == 2) {
            duplicatesQos2++;
            problem("QoS 2 duplicate on " + topic + ": " + what);
        } else {
            duplicatesQos1++;
        }
    }

    private void problem(String text) {
        if (problems.size() < EXAMPLES) {
            problems.add(text);
        }
    }

    /** Messages the cloud received so far, duplicates included. */
    public synchronized long receivedCount() {
        return received;
    }

    /** The books as they stand. */
    public synchronized SoakReport.Counts counts() {
        BitSet missing = (BitSet) accepted.clone();
        missing.andNot(delivered);
        BitSet unacknowledged = (BitSet) delivered.clone();
        unacknowledged.andNot(accepted);
        long gaps = 0;
        List<String> gapExamples = new ArrayList<>();
        for (Map.Entry<Long, Epoch> e : epochs.entrySet()) {
            Epoch ep = e.getValue();
            long span = ep.max - ep.min + 1;
            long holes = span - ep.seqs.cardinality();
            gaps += holes;
            if (holes > 0 && gapExamples.size() < EXAMPLES) {
                int first = ep.seqs.nextClearBit(Math.toIntExact(ep.min));
                gapExamples.add("run " + Long.toString(e.getKey(), 36) + ": " + holes + " missing between sequence "
                        + ep.min + " and " + ep.max + ", first " + first);
            }
        }
        List<String> examples = new ArrayList<>(problems);
        examples.addAll(gapExamples);
        int sample = missing.nextSetBit(0);
        if (sample >= 0) {
            examples.add("accepted but not delivered, e.g. publication " + sample);
        }
        return new SoakReport.Counts(attempted, accepted.cardinality(), publisherDelivered, missing.cardinality(),
                unacknowledged.cardinality(), deviceReadings, received, distinct, epochs.size(), gaps, duplicatesQos1,
                duplicatesQos2, disorders, withoutId + downgraded + invented, retainedReplays, List.copyOf(examples));
    }

    /** Distinct sequence numbers received from the gateway run {@code epoch}. */
    public synchronized long distinctOf(long epoch) {
        Epoch e = epochs.get(epoch);
        return e == null ? 0 : e.seqs.cardinality();
    }

    /** The newest gateway run seen at the cloud, or -1. */
    public synchronized long lastEpoch() {
        return epochs.isEmpty() ? -1 : ((TreeMap<Long, Epoch>) epochs).lastKey();
    }
}
