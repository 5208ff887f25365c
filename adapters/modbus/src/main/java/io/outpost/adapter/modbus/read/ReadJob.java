package io.outpost.adapter.modbus.read;

import io.outpost.adapter.modbus.codec.ExceptionResponse;
import io.outpost.adapter.modbus.codec.MalformedResponse;
import io.outpost.adapter.modbus.codec.ModbusPdu;
import io.outpost.adapter.modbus.codec.ValueCodec;
import io.outpost.adapter.modbus.line.LineTask;
import io.outpost.adapter.modbus.line.ModbusLine;
import io.outpost.adapter.modbus.plan.LearnedCuts;
import io.outpost.adapter.modbus.plan.ReadBlock;
import io.outpost.adapter.modbus.plan.ReadSlot;
import io.outpost.adapter.modbus.transport.ModbusTransportException;
import io.outpost.core.config.PointConfig;
import io.outpost.core.point.Sample;
import io.outpost.core.spi.DeviceException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one batch of points: the planned requests one at a time (a waiting write may go between two), each
 * answer decoded into samples.
 *
 * <p><b>Split and learn.</b> When a merged request is refused with exception 02 or 03, or times out twice while
 * its unit answers other requests, it is cut in two at a point boundary and both halves are read at once. When
 * both halves then succeed, the cut is remembered, so later plans never span it; a single point that is still
 * refused is read on its own from then on and marked {@code device-exception:02}. One bad address therefore costs
 * a few extra requests once, and one extra request per poll afterwards, instead of blinding the whole block.
 *
 * <p><b>Dead units.</b> A unit that times out twice without answering anything in this read is given up for the
 * rest of it (its points are marked {@code timeout}), so a dead slave costs at most two timeouts per poll. If no
 * point could be read and every failure was the link's (timeout, malformed frame, CRC), the read fails as a whole
 * and the core marks the device offline and backs off. A dropped connection is reconnected once per read;
 * a refused connection fails the read at once.
 */
public final class ReadJob implements LineTask {

    private static final Logger LOG = LoggerFactory.getLogger(ReadJob.class);

    private enum UnitState { UNKNOWN, SUSPECT, ALIVE, DEAD }

    /** A merged request that was cut in two; learns a cut when both halves succeed. */
    private static final class Split {
        final ReadBlock right;
        int succeeded;

        Split(ReadBlock right) {
            this.right = right;
        }
    }

    /** A request still to send in this read. */
    private record Pending(ReadBlock block, Split parent, boolean retried) {
    }

    private final ModbusSession session;
    private final List<PointConfig> points;
    private final CompletableFuture<List<Sample>> result;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final Map<Integer, UnitState> units = new HashMap<>();
    private final Map<Integer, String> deadReasons = new HashMap<>();
    private final List<Sample> samples;
    private boolean planned;
    private boolean reconnected;
    private int goodSamples;
    private DeviceException firstLinkFailure;

    public ReadJob(ModbusSession session, List<PointConfig> points, CompletableFuture<List<Sample>> result) {
        this.session = session;
        this.points = points;
        this.result = result;
        this.samples = new ArrayList<>(points.size());
    }

    @Override
    public Object owner() {
        return session;
    }

    @Override
    public boolean isWrite() {
        return false;
    }

    @Override
    public boolean step(ModbusLine line) {
        if (!planned) {
            planned = true;
            for (ReadBlock b : session.planner().plan(points).blocks()) {
                pending.add(new Pending(b, null, false));
            }
        }
        Pending next = pending.poll();
        if (next == null) {
            return finish();
        }
        if (units.get(next.block.unitId()) == UnitState.DEAD) {
            failSlots(next.block, deadReasons.get(next.block.unitId()));
            return pending.isEmpty() && finish();
        }
        try {
            send(line, next);
        } catch (ModbusTransportException e) {
            session.failed();
            if (!onTransportFailure(line, next, e)) {
                return true;
            }
        }
        return pending.isEmpty() && finish();
    }

    private void send(ModbusLine line, Pending p) throws ModbusTransportException {
        ReadBlock b = p.block;
        byte[] response = line.exchange(b.unitId(), b.pdu(), session.device().requestDelay());
        long at = session.clock().millis();
        units.put(b.unitId(), UnitState.ALIVE);
        try {
            ModbusPdu.check(b.pdu(), response);
        } catch (ExceptionResponse e) {
            session.refused();
            onRefused(p, e);
            return;
        } catch (MalformedResponse e) {
            // An answer that does not fit its request may mean the byte stream is out of step: start afresh.
            line.transport().disconnect();
            session.failed();
            noteLinkFailure(e);
            failSlots(b, e.reason());
            return;
        }
        session.answered();
        for (ReadSlot s : b.slots()) {
            samples.add(Sample.good(s.config().ref(), ValueCodec.decode(s.point(), response, b.start()), at));
        }
        goodSamples += b.slots().size();
        if (p.parent != null && ++p.parent.succeeded == 2) {
            learn(b.unitId(), p.parent.right, p.parent.right.start(), "both halves of a refused request read fine");
        }
    }

    private void onRefused(Pending p, ExceptionResponse e) {
        ReadBlock b = p.block;
        int code = e.code();
        if (code == ModbusPdu.GATEWAY_PATH_UNAVAILABLE || code == ModbusPdu.GATEWAY_TARGET_FAILED) {
            giveUpUnit(b.unitId(), e.reason());
            failSlots(b, e.reason());
            return;
        }
        boolean addressProblem = code == ModbusPdu.ILLEGAL_DATA_ADDRESS || code == ModbusPdu.ILLEGAL_DATA_VALUE;
        if (addressProblem && split(p, false)) {
            return;
        }
        if (addressProblem) {
            isolate(b, "exception " + String.format("%02X", code));
        }
        failSlots(b, e.reason());
    }

    /** @return false when the read is over (failed as a whole) */
    private boolean onTransportFailure(ModbusLine line, Pending p, ModbusTransportException e) {
        ReadBlock b = p.block;
        if (e.linkDown()) {
            if (!reconnected && ModbusTransportException.COMM_LOST.equals(e.reason())) {
                // A connection the device dropped while idle is common; one fresh connection per read is cheap.
                reconnected = true;
                pending.addFirst(p);
                return true;
            }
            result.completeExceptionally(e);
            return false;
        }
        noteLinkFailure(e);
        if (!e.isTimeout()) {
            failSlots(b, e.reason());
            return true;
        }
        UnitState state = units.getOrDefault(b.unitId(), UnitState.UNKNOWN);
        switch (state) {
            case ALIVE -> {
                if (!p.retried) {
                    pending.addFirst(new Pending(b, p.parent, true));
                } else if (!split(p, true)) {
                    isolate(b, "timeouts");
                    failSlots(b, e.reason());
                }
            }
            case UNKNOWN -> {
                if (hasPendingFor(b.unitId())) {
                    // Try the unit's other requests first: if they are answered, this one is retried after them.
                    units.put(b.unitId(), UnitState.SUSPECT);
                    pending.addLast(new Pending(b, p.parent, true));
                } else {
                    giveUpUnit(b.unitId(), e.reason());
                    failSlots(b, e.reason());
                }
            }
            default -> {
                giveUpUnit(b.unitId(), e.reason());
                failSlots(b, e.reason());
            }
        }
        return true;
    }

    /** Cuts a refused block in two and reads both halves next; false when it cannot be cut. */
    private boolean split(Pending p, boolean afterTimeouts) {
        ReadBlock b = p.block;
        int at = b.splitIndex();
        if (at < 0) {
            return false;
        }
        ReadBlock left = ReadBlock.of(b.unitId(), b.table(), b.slots().subList(0, at));
        ReadBlock right = ReadBlock.of(b.unitId(), b.table(), b.slots().subList(at, b.slots().size()));
        Split split = new Split(right);
        pending.addFirst(new Pending(right, split, afterTimeouts));
        pending.addFirst(new Pending(left, split, afterTimeouts));
        return true;
    }

    /** A point the device refuses on its own: never merge it with its neighbours again. */
    private void isolate(ReadBlock b, String why) {
        boolean learned = session.planner().cuts().add(b.unitId(), b.table(), b.start());
        learned |= session.planner().cuts().add(b.unitId(), b.table(), b.end() + 1);
        if (learned) {
            LOG.info("device {}: unit {} refuses {} ({}); it is read on its own from now on", session.deviceId(),
                    b.unitId(), describe(b), why);
        }
    }

    private void learn(int unitId, ReadBlock right, int cut, String why) {
        LearnedCuts cuts = session.planner().cuts();
        if (cuts.add(unitId, right.table(), cut)) {
            LOG.info("device {}: unit {} learned not to read across {} ({}); requests are split there from now on",
                    session.deviceId(), unitId, right.table().reference(cut), why);
        }
    }

    private static String describe(ReadBlock b) {
        return b.count() == 1 ? b.table().reference(b.start())
                : b.table().reference(b.start()) + "-" + b.table().reference(b.end());
    }

    private boolean hasPendingFor(int unitId) {
        for (Pending p : pending) {
            if (p.block.unitId() == unitId) {
                return true;
            }
        }
        return false;
    }

    private void giveUpUnit(int unitId, String reason) {
        units.put(unitId, UnitState.DEAD);
        deadReasons.put(unitId, reason);
        pending.removeIf(p -> {
            if (p.block.unitId() == unitId) {
                failSlots(p.block, reason);
                return true;
            }
            return false;
        });
    }

    private void noteLinkFailure(DeviceException e) {
        if (firstLinkFailure == null) {
            firstLinkFailure = e;
        }
    }

    private void failSlots(ReadBlock b, String reason) {
        long at = session.clock().millis();
        for (ReadSlot s : b.slots()) {
            samples.add(Sample.bad(s.config().ref(), reason, at));
        }
    }

    private boolean finish() {
        if (goodSamples == 0 && firstLinkFailure != null && allFailedOnLink()) {
            result.completeExceptionally(firstLinkFailure);
        } else {
            result.complete(samples);
        }
        return true;
    }

    /** True when no point was refused by the device itself: every bad sample comes from the link. */
    private boolean allFailedOnLink() {
        for (Sample s : samples) {
            if (s.quality().reason().startsWith("device-exception:")) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void abort(DeviceException reason) {
        result.completeExceptionally(reason);
    }
}
