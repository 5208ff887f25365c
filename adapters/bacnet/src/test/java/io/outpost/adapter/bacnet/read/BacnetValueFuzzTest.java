package io.outpost.adapter.bacnet.read;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.serotonin.bacnet4j.exception.BACnetException;
import com.serotonin.bacnet4j.service.acknowledgement.ReadPropertyMultipleAck;
import com.serotonin.bacnet4j.type.Encodable;
import com.serotonin.bacnet4j.type.constructed.ReadAccessResult;
import io.outpost.adapter.bacnet.stack.ApduGuard;
import io.outpost.adapter.bacnet.stack.CheckedComplexAck;
import io.outpost.core.point.DataType;
import io.outpost.core.point.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Any bytes as a device's ReadPropertyMultiple answer (primitive and constructed values, proprietary ones
 * undecoded), decoded where the gateway's BACnet stack decodes every answer ({@link CheckedComplexAck}, which
 * checks it with {@link ApduGuard} first): the decoding ends, with a refusal (malformed, or what bacnet4j refuses
 * itself: its contract, not ours) or with values that the gateway turns into a point value, a quality from status
 * flags, and each configured type, without failing. Kept inputs that made bacnet4j decode forever: a negative
 * extended length ({@code crash-62858b3c...}), lengths in a longer form than the standard allows
 * ({@code crash-3980e6ac...}), context tags of 15 and 30 bytes inside a value, which bacnet4j takes for opening
 * tags ({@code crash-0e2bde97...}, {@code crash-aa4d8b91...}). Kept inputs:
 * src/test/resources/io/outpost/adapter/bacnet/read/BacnetValueFuzzTestInputs/.
 */
class BacnetValueFuzzTest {

    @FuzzTest
    void anyDecodedValue_becomesAPointValueAndAQuality(byte[] input) throws InterruptedException {
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
            throw new AssertionError("decoding an answer did not end within 60 s");
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
            CheckedComplexAck answer = new CheckedComplexAck((byte) 1, ReadPropertyMultipleAck.TYPE_ID, input);
            answer.parseServiceData();
            for (ReadAccessResult object : ((ReadPropertyMultipleAck) answer.getService()).getListOfReadAccessResults()) {
                for (ReadAccessResult.Result r : object.getListOfResults()) {
                    out.add(r.getReadResult().getDatum());
                }
            }
        } catch (BACnetException refused) {
            // Malformed, or refused by bacnet4j: the request it answers fails with that reason.
        }
        return out;
    }
}
