package io.outpost.adapter.bacnet.read;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.serotonin.bacnet4j.service.acknowledgement.AcknowledgementService;
import com.serotonin.bacnet4j.service.acknowledgement.ReadPropertyMultipleAck;
import com.serotonin.bacnet4j.type.Encodable;
import com.serotonin.bacnet4j.type.constructed.ReadAccessResult;
import com.serotonin.bacnet4j.util.sero.ByteQueue;
import io.outpost.adapter.bacnet.stack.ApduGuard;
import io.outpost.core.point.DataType;
import io.outpost.core.point.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Any bytes as a device's ReadPropertyMultiple answer (primitive and constructed values, proprietary ones
 * undecoded) that pass the
 * gateway's {@link ApduGuard}: bacnet4j's decoding ends, and whatever it decodes the gateway turns into a point
 * value, a quality from status flags, and each configured type, without failing. The input that made bacnet4j
 * decode forever (a negative extended length) is kept as {@code crash-62858b3c...}. What bacnet4j cannot decode it refuses itself; that is its contract, not
 * ours. Kept inputs: src/test/resources/io/outpost/adapter/bacnet/read/BacnetValueFuzzTestInputs/.
 */
class BacnetValueFuzzTest {

    @FuzzTest
    void anyDecodedValue_becomesAPointValueAndAQuality(byte[] input) throws InterruptedException {
        if (!ApduGuard.wellFormed(input, 0)) {
            // The gateway drops such a datagram before bacnet4j sees it (GuardedTransport).
            return;
        }
        // bacnet4j decodes on a thread of its own here, so that a decoding that never ends is a failure with the
        // input kept, not a build that hangs. Generous: under the fuzzer, the first input down a new path also pays
        // for instrumenting every class it loads, seconds on a busy machine.
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread decoding = new Thread(() -> {
            try {
                convert(decoded(input));
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "bacnet-fuzz-decode");
        decoding.setDaemon(true);
        decoding.start();
        decoding.join(60_000);
        if (decoding.isAlive()) {
            throw new AssertionError("decoding a well-formed APDU did not end within 60 s");
        }
        if (failure.get() != null) {
            throw new AssertionError("converting a decoded value failed", failure.get());
        }
    }

    private static void convert(List<Encodable> values) {
        for (Encodable e : values) {
            Optional<Value> value = BacnetValues.toValue(e);
            StatusQuality.of(e, null);
            StatusQuality.faulty(e);
            value.ifPresent(v -> {
                for (DataType type : DataType.values()) {
                    TypedValues.coerce(v, type);
                }
            });
        }
    }

    private static List<Encodable> decoded(byte[] input) {
        List<Encodable> out = new ArrayList<>();
        try {
            AcknowledgementService ack = AcknowledgementService.createAcknowledgementService(
                    ReadPropertyMultipleAck.TYPE_ID, new ByteQueue(input));
            for (ReadAccessResult object : ((ReadPropertyMultipleAck) ack).getListOfReadAccessResults()) {
                for (ReadAccessResult.Result r : object.getListOfResults()) {
                    Encodable datum = r.getReadResult().getDatum();
                    out.add(datum);
                }
            }
        } catch (Exception refusedByBacnet4j) {
            // Not ours to decode: the stack drops such a datagram.
        }
        return out;
    }
}
