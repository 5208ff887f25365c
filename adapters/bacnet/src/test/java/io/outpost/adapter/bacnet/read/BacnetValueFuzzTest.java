package io.outpost.adapter.bacnet.read;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.serotonin.bacnet4j.exception.BACnetException;
import com.serotonin.bacnet4j.service.acknowledgement.ReadPropertyMultipleAck;
import com.serotonin.bacnet4j.type.Encodable;
import io.outpost.adapter.bacnet.stack.ApduGuard;
import io.outpost.adapter.bacnet.stack.CheckedComplexAck;
import io.outpost.adapter.bacnet.stack.PropertyReader;
import io.outpost.adapter.bacnet.stack.PropertyResult;
import io.outpost.core.point.DataType;
import io.outpost.core.point.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Any bytes as a device's ReadPropertyMultiple answer (primitive and constructed values, proprietary ones
 * undecoded), taken in as the gateway takes in every answer: decoded where its BACnet stack decodes them
 * ({@link CheckedComplexAck}: {@link ApduGuard}, then bacnet4j on a bounded queue), sorted by property
 * ({@link PropertyReader#answered}) and sized ({@link PropertyReader#encodedSize}). The decoding ends, with a
 * refusal (a malformed answer) or with values that the gateway turns into a point value, a quality from status
 * flags, and each configured type, without failing. Kept inputs that made bacnet4j decode forever: a negative
 * extended length ({@code crash-62858b3c...}), lengths in a longer form than the standard allows
 * ({@code crash-3980e6ac...}), context tags of 15 and 30 bytes inside a value, which bacnet4j takes for opening
 * tags ({@code crash-0e2bde97...}, {@code crash-aa4d8b91...}), an object identifier tagged with 60 bytes, of which
 * bacnet4j reads 4 and the rest as tags ({@code crash-d7b08a20...}); and that failed the gateway's reading of the
 * answer: an object without a list of results ({@code crash-86b20a8a...}). Kept inputs:
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
            throw new AssertionError("taking in a decoded answer failed", failure.get());
        }
    }

    private static void convert(List<Encodable> values) {
        for (Encodable e : values) {
            PropertyReader.encodedSize(e);
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
            for (PropertyResult result : PropertyReader.answered(answer.getService()).values()) {
                if (result.ok()) {
                    out.add(result.value());
                }
            }
        } catch (BACnetException refused) {
            // Malformed, or refused by bacnet4j: the request it answers fails with that reason.
        }
        return out;
    }
}
