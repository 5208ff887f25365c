package io.outpost.adapter.bacnet.stack;

import com.serotonin.bacnet4j.service.acknowledgement.ReadPropertyAck;
import com.serotonin.bacnet4j.service.acknowledgement.ReadPropertyMultipleAck;
import com.serotonin.bacnet4j.service.confirmed.ReadPropertyMultipleRequest;
import com.serotonin.bacnet4j.service.confirmed.ReadPropertyRequest;
import com.serotonin.bacnet4j.type.Encodable;
import com.serotonin.bacnet4j.type.constructed.PropertyReference;
import com.serotonin.bacnet4j.type.constructed.ReadAccessResult;
import com.serotonin.bacnet4j.type.constructed.ReadAccessSpecification;
import com.serotonin.bacnet4j.type.constructed.SequenceOf;
import com.serotonin.bacnet4j.type.error.ErrorClassAndCode;
import com.serotonin.bacnet4j.type.primitive.ObjectIdentifier;
import com.serotonin.bacnet4j.util.sero.ByteQueue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads any set of properties from a device in as few requests as it takes: ReadPropertyMultiple batches planned
 * by {@link RpmPlanner}, halved when the device aborts or rejects one as too large (and the smaller size
 * remembered), halved to isolate the culprit when an older device answers a whole batch with one Error or with an
 * answer the gateway refuses to decode ({@link ApduGuard}: only the property with the malformed value goes bad), and
 * ReadProperty one at a time for devices without ReadPropertyMultiple (learned when the device rejects it).
 *
 * <p>A property the device refuses gets its own failed result; the read as a whole fails only when the device does
 * not answer (timeout, socket error). A timeout after some batches succeeded fails the remaining properties
 * without waiting for each one to time out too. Blocking: runs on the device's IO thread.
 */
public final class PropertyReader {

    private static final Logger LOG = LoggerFactory.getLogger(PropertyReader.class);

    private final BacnetStack stack;

    public PropertyReader(BacnetStack stack) {
        this.stack = stack;
    }

    /** One result per distinct reference, in the order asked. */
    public Map<PropertyRef, PropertyResult> read(BacnetPeer peer, List<PropertyRef> refs) throws BacnetRequestException {
        List<PropertyRef> distinct = new ArrayList<>(new LinkedHashSet<>(refs));
        Map<PropertyRef, PropertyResult> results = new LinkedHashMap<>();
        Progress progress = new Progress();
        if (peer.readPropertyMultiple() && distinct.size() > 1) {
            for (List<PropertyRef> batch : RpmPlanner.plan(distinct, peer)) {
                readBatch(peer, batch, results, progress);
            }
        } else {
            readEach(peer, distinct, results, progress);
        }
        return results;
    }

    /** Whether anything was answered yet in this read, and the timeout that ended it. */
    private static final class Progress {
        boolean answered;
        BacnetRequestException lost;
    }

    private void readBatch(BacnetPeer peer, List<PropertyRef> batch, Map<PropertyRef, PropertyResult> results,
                           Progress progress) throws BacnetRequestException {
        if (skipAfterTimeout(batch, results, progress)) {
            return;
        }
        if (!peer.readPropertyMultiple() || batch.size() == 1) {
            readEach(peer, batch, results, progress);
            return;
        }
        ReadPropertyMultipleAck ack;
        try {
            ack = stack.call(peer.remote(), request(batch), "ReadPropertyMultiple of " + batch.size() + " properties");
        } catch (BacnetRequestException e) {
            if (e.serviceUnsupported()) {
                LOG.info("device {} rejects ReadPropertyMultiple: reading one property at a time from now on", peer.instance());
                peer.disableReadPropertyMultiple();
                readEach(peer, batch, results, progress);
            } else if (e.tooLarge()) {
                LOG.info("device {} could not take {} properties in one request ({}): asking for at most {} from now on",
                        peer.instance(), batch.size(), e.reason(), Math.max(1, batch.size() / 2));
                peer.limitReferences(batch.size());
                split(peer, batch, results, progress);
            } else if (e.kind() == BacnetRequestException.Kind.ERROR || e.malformedAnswer()) {
                // Some older devices answer a whole batch with one error when one property is wrong, and one
                // malformed value spoils a whole answer: narrow it down to the property.
                split(peer, batch, results, progress);
            } else {
                lost(batch, results, progress, e);
            }
            return;
        }
        progress.answered = true;
        collect(peer, ack, batch, results);
    }

    private void split(BacnetPeer peer, List<PropertyRef> batch, Map<PropertyRef, PropertyResult> results,
                       Progress progress) throws BacnetRequestException {
        int half = batch.size() / 2;
        readBatch(peer, batch.subList(0, half), results, progress);
        readBatch(peer, batch.subList(half, batch.size()), results, progress);
    }

    private void readEach(BacnetPeer peer, List<PropertyRef> refs, Map<PropertyRef, PropertyResult> results,
                          Progress progress) throws BacnetRequestException {
        for (PropertyRef r : refs) {
            if (skipAfterTimeout(List.of(r), results, progress)) {
                continue;
            }
            try {
                ReadPropertyAck ack = stack.call(peer.remote(),
                        new ReadPropertyRequest(r.object(), r.propertyIdentifier(), r.indexOrNull()), "ReadProperty " + r);
                progress.answered = true;
                results.put(r, PropertyResult.of(ack.getValue()));
            } catch (BacnetRequestException e) {
                if (e.deviceAnswered()) {
                    progress.answered = true;
                    results.put(r, PropertyResult.failed(e));
                } else {
                    lost(List.of(r), results, progress, e);
                }
            }
        }
    }

    /** The device stopped answering: fail the read when nothing came back yet, else fail these references. */
    private static void lost(List<PropertyRef> refs, Map<PropertyRef, PropertyResult> results, Progress progress,
                             BacnetRequestException e) throws BacnetRequestException {
        if (!progress.answered) {
            throw e;
        }
        progress.lost = e;
        refs.forEach(r -> results.put(r, PropertyResult.failed(e)));
    }

    private static boolean skipAfterTimeout(List<PropertyRef> refs, Map<PropertyRef, PropertyResult> results,
                                            Progress progress) {
        if (progress.lost == null) {
            return false;
        }
        refs.forEach(r -> results.put(r, PropertyResult.failed(progress.lost)));
        return true;
    }

    static ReadPropertyMultipleRequest request(List<PropertyRef> batch) {
        Map<ObjectIdentifier, List<PropertyReference>> byObject = new LinkedHashMap<>();
        for (PropertyRef r : batch) {
            byObject.computeIfAbsent(r.object(), o -> new ArrayList<>()).add(r.toReference());
        }
        List<ReadAccessSpecification> specs = new ArrayList<>();
        byObject.forEach((object, references) -> specs.add(new ReadAccessSpecification(object, new SequenceOf<>(references))));
        return new ReadPropertyMultipleRequest(new SequenceOf<>(specs));
    }

    private static void collect(BacnetPeer peer, ReadPropertyMultipleAck ack, List<PropertyRef> batch,
                                Map<PropertyRef, PropertyResult> results) {
        answered(ack).forEach((ref, result) -> {
            results.put(ref, result);
            int size = result.ok() ? encodedSize(result.value()) : -1;
            if (size >= 0) {
                peer.learnValueSize(ref, size);
            }
        });
        for (PropertyRef r : batch) {
            // A device that leaves a property out of its answer has not read it.
            results.putIfAbsent(r, PropertyResult.failed(new BacnetRequestException(BacnetRequestException.Kind.ERROR, 0,
                    "no-data", "device " + peer.instance() + " left " + r + " out of its answer", null)));
        }
    }

    /**
     * What a ReadPropertyMultiple answer says about each property in it: its value, or the device's error for it.
     * An object's list of results is optional in the standard (and what bacnet4j makes of some malformed answers):
     * an object without one answers nothing.
     */
    public static Map<PropertyRef, PropertyResult> answered(ReadPropertyMultipleAck ack) {
        Map<PropertyRef, PropertyResult> results = new LinkedHashMap<>();
        for (ReadAccessResult objectResult : ack.getListOfReadAccessResults()) {
            ObjectIdentifier object = objectResult.getObjectIdentifier();
            if (objectResult.getListOfResults() == null) {
                continue;
            }
            for (ReadAccessResult.Result result : objectResult.getListOfResults()) {
                Integer index = result.getPropertyArrayIndex() == null ? null : result.getPropertyArrayIndex().intValue();
                PropertyRef ref = new PropertyRef(object, result.getPropertyIdentifier().intValue(), index);
                Encodable datum = result.getReadResult().getDatum();
                if (datum instanceof ErrorClassAndCode error) {
                    results.put(ref, PropertyResult.failed(BacnetRequestException.error(error, "read of " + ref, null)));
                } else {
                    results.put(ref, PropertyResult.of(datum));
                }
            }
        }
        return results;
    }

    /**
     * The encoded size of a value the device sent, for planning later requests; -1 when bacnet4j cannot encode what
     * it decoded (an empty proprietary value has no data to write: found by fuzzing).
     */
    public static int encodedSize(Encodable value) {
        ByteQueue queue = new ByteQueue();
        try {
            value.write(queue);
        } catch (RuntimeException cannotEncode) {
            return -1;
        }
        return queue.size();
    }
}
