package io.outpost.adapter.bacnet.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.serotonin.bacnet4j.apdu.ComplexACK;
import com.serotonin.bacnet4j.exception.BACnetException;
import com.serotonin.bacnet4j.service.acknowledgement.ReadPropertyMultipleAck;
import com.serotonin.bacnet4j.type.Encodable;
import com.serotonin.bacnet4j.type.constructed.ReadAccessResult;
import com.serotonin.bacnet4j.type.constructed.ReadAccessResult.Result;
import com.serotonin.bacnet4j.type.constructed.SequenceOf;
import com.serotonin.bacnet4j.type.enumerated.ObjectType;
import com.serotonin.bacnet4j.type.enumerated.PropertyIdentifier;
import com.serotonin.bacnet4j.type.primitive.ObjectIdentifier;
import com.serotonin.bacnet4j.type.primitive.Real;
import com.serotonin.bacnet4j.util.sero.ByteQueue;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Answers decoded where bacnet4j's transport decodes them ({@link CheckedComplexAck#parseServiceData()}). Each
 * decode runs on a thread of its own with a deadline, so that one that does not end fails the test instead of
 * hanging the build.
 */
class CheckedComplexAckTest {

    /** The open finding crash-0e2bde97...: a context tag of 15 bytes in a present value. */
    private static final String CONTEXT_TAG_OF_15_BYTES =
            "0c008000011e29554e" + "f8c80d0fff2200ffff22ff0d0dfff1c8c80000cb820640" + "4f1f";
    /** Well formed tag by tag, but bacnet4j reads the 60-byte [0] as a 4-byte object identifier and the rest as tags. */
    private static final String OBJECT_IDENTIFIER_OF_60_BYTES = "0d3cbf8000011e29554e440f0000000d1e29544e44ffff00075dff"
            + "ffff6b6363636363ffffffffffffffff4f63631f63490000006300a500048200404f1f";
    /** crash-62858b3c...: bacnet4j reads a negative extended length in it; for the standard, an unpaired closing tag. */
    private static final String NEGATIVE_LENGTH = "0c008000011e29554e4441e5ffffffa5ffffffff404f1f";

    @Test
    void an_answer_with_a_context_tag_bacnet4j_takes_for_an_opening_tag_fails_with_the_reason() {
        assertThat(decode(HexFormat.of().parseHex(CONTEXT_TAG_OF_15_BYTES)))
                .isInstanceOf(MalformedAnswerException.class)
                .hasMessage("malformed answer: context tag [0] of 15 bytes inside a constructed value (bacnet4j takes it"
                        + " for an opening tag and reads its content as tags) at byte 11");
    }

    @Test
    void an_answer_the_guard_cannot_see_through_is_ended_by_the_bound_on_reads() {
        assertThat(ApduGuard.wellFormed(HexFormat.of().parseHex(OBJECT_IDENTIFIER_OF_60_BYTES), 0)).isTrue();

        assertThat(decode(HexFormat.of().parseHex(OBJECT_IDENTIFIER_OF_60_BYTES)))
                .isInstanceOf(MalformedAnswerException.class)
                .hasMessageStartingWith("malformed answer: bacnet4j made ")
                .hasMessageEndingWith("reads of its 62 bytes without finishing: an encoding it decodes forever");
    }

    @Test
    void a_segmented_answer_is_checked_once_its_segments_are_together() {
        // No segment shows the flaw whole: the first ends inside it.
        byte[] answer = HexFormat.of().parseHex(NEGATIVE_LENGTH);
        ComplexACK first = new ComplexACK(true, true, (byte) 1, 0, 2, ReadPropertyMultipleAck.TYPE_ID,
                new ByteQueue(Arrays.copyOfRange(answer, 0, 17)));
        CheckedComplexAck whole = new CheckedComplexAck(first);
        // As bacnet4j's transport does with the segments that follow.
        whole.appendServiceData(new ByteQueue(Arrays.copyOfRange(answer, 17, answer.length)));

        assertThat(decode(whole)).isInstanceOf(MalformedAnswerException.class)
                .hasMessage("malformed answer: closing tag [165] without its opening tag at byte 14");
    }

    @Test
    void what_bacnet4j_cannot_decode_is_a_malformed_answer_too_not_a_lost_connection() {
        // Well formed, but an Unsigned as an analog input's present value: bacnet4j reads a REAL's 4 bytes whatever
        // the tag says, runs past the end and throws an unchecked exception.
        byte[] answer = HexFormat.of().parseHex("0c000000011e29554e21054f1f");

        Throwable failure = decode(answer);

        assertThat(failure).isInstanceOf(MalformedAnswerException.class)
                .hasMessageStartingWith("malformed answer: bacnet4j cannot decode it (java.lang.ArrayIndexOutOfBounds");
        BacnetRequestException e = BacnetRequestException.of(new BACnetException(failure.getMessage(), failure), "read");
        assertThat(e.reason()).isEqualTo("malformed-answer");
        assertThat(e.deviceAnswered()).isTrue();
    }

    @Test
    void a_well_formed_answer_decodes() throws Exception {
        ReadAccessResult object = new ReadAccessResult(new ObjectIdentifier(ObjectType.analogValue, 1),
                new SequenceOf<>(new Result(PropertyIdentifier.presentValue, null, new Real(21.5f))));
        ByteQueue encoded = new ByteQueue();
        new ReadPropertyMultipleAck(new SequenceOf<>(object)).write(encoded);
        CheckedComplexAck answer = new CheckedComplexAck((byte) 1, ReadPropertyMultipleAck.TYPE_ID, encoded.popAll());

        assertThat(decode(answer)).isNull();
        ReadPropertyMultipleAck ack = answer.getService();
        Encodable value = ack.getListOfReadAccessResults().get(0).getListOfResults().get(0).getReadResult().getDatum();
        assertThat((Object) value).isEqualTo(new Real(21.5f));
    }

    @Test
    void a_failure_is_thrown_as_bacnet4j_hands_it_to_the_waiting_request() {
        assertThatThrownBy(() -> new CheckedComplexAck((byte) 1, ReadPropertyMultipleAck.TYPE_ID,
                HexFormat.of().parseHex(CONTEXT_TAG_OF_15_BYTES)).parseServiceData())
                .isInstanceOf(BACnetException.class);
    }

    private static Throwable decode(byte[] serviceData) {
        return decode(new CheckedComplexAck((byte) 1, ReadPropertyMultipleAck.TYPE_ID, serviceData));
    }

    /** What decoding {@code answer} threw, null when it decoded; fails when it does not end within 30 s. */
    private static Throwable decode(CheckedComplexAck answer) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                answer.parseServiceData();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "decode");
        t.setDaemon(true);
        t.start();
        try {
            t.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertThat(t.isAlive()).as("decoding still running after 30 s").isFalse();
        return failure.get();
    }
}
