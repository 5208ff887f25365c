package io.outpost.mqtt.internal.bridge.store;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store through simulated power cuts ({@link PowerCutSimulation} on {@link FaultyFiles}): a few hundred in every
 * build from a fixed seed; {@code scripts/power-cut-run.sh} runs 10,000 (or any number, from any seed) with
 * {@code -Dpowercut.cuts=N -Dpowercut.seed=S}. A failure names the seed of its run: {@code -Dpowercut.run=<seed>}
 * repeats exactly that run. Seeds that found a defect are kept below as regressions.
 */
class PowerCutTest {

    private static final Logger LOG = LoggerFactory.getLogger(PowerCutTest.class);
    private static final int CUTS_PER_RUN = 20;

    @Test
    void after_every_simulated_power_cut_nothing_acknowledged_is_lost_no_qos2_message_is_new_again_and_order_holds()
            throws Exception {
        long only = Long.getLong("powercut.run", 0);
        if (only != 0) {
            run(only);
            return;
        }
        long cuts = Long.getLong("powercut.cuts", 300);
        Random seeds = new Random(Long.getLong("powercut.seed", 20261205L));
        long done = 0;
        long checked = 0;
        while (done < cuts) {
            PowerCutSimulation sim = run(seeds.nextLong());
            done += sim.cuts;
            checked += sim.checkedMessages;
        }
        LOG.info("{} simulated power cuts, {} message states checked after recovery", done, checked);
    }

    /**
     * Runs that found a defect, each failing on the code before its fix (a seed stands for this simulation's workload:
     * when the simulation changes, check that each still fails without its fix, or find it a new seed).
     * <ul>
     *   <li>8943849262994891386: a failed flush of the journal, then one that succeeds: the entries the failed one
     *       covered never reached the disk (Linux drops the pages of a failed writeback), so removals believed durable
     *       came back. Now the journal is rewritten from memory after a failed flush.
     *   <li>7469496443237442554: records whose flush failed (refused to the publisher) were handed out once a later
     *       flush succeeded, and a QoS 2 handshake was marked on a record the disk never got. Now they are cut off.
     *   <li>2853969029710346883: segments deleted (all delivered) came back after a power cut because the journal was
     *       rewritten without their removals before the deletion reached the disk: all their messages were sent
     *       again. Now the deletions are flushed first.
     *   <li>8590595312008173661: a failed flush of the route table: acknowledged readings lost with their route. Now
     *       the table is rewritten whole.
     *   <li>-8160661837235646953: the journal rewritten after a failed flush left out the removals of a segment the
     *       index had just deleted (all delivered) but whose file the writer had not unlinked yet; a power cut then
     *       kept the file and its delivered messages came back. Now the rewrite keeps the entries of such segments.
     * </ul>
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {8943849262994891386L, 7469496443237442554L, 2853969029710346883L, 8590595312008173661L,
            -8160661837235646953L})
    void a_run_that_found_a_defect_passes(long seed) throws Exception {
        run(seed);
    }

    private static PowerCutSimulation run(long seed) throws Exception {
        PowerCutSimulation sim = new PowerCutSimulation(seed);
        try {
            sim.run(CUTS_PER_RUN);
        } catch (AssertionError | Exception e) {
            throw new AssertionError("power-cut run failed; repeat it with -Dpowercut.run=" + seed + ": " + e, e);
        }
        return sim;
    }
}
