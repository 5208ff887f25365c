package io.outpost.adapter.bacnet.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.serotonin.bacnet4j.service.acknowledgement.AcknowledgementService;
import com.serotonin.bacnet4j.service.acknowledgement.ReadPropertyAck;
import com.serotonin.bacnet4j.service.acknowledgement.ReadPropertyMultipleAck;
import com.serotonin.bacnet4j.service.unconfirmed.UnconfirmedRequestService;
import com.serotonin.bacnet4j.type.AmbiguousValue;
import com.serotonin.bacnet4j.type.constructed.BACnetArray;
import com.serotonin.bacnet4j.type.constructed.PriorityArray;
import com.serotonin.bacnet4j.type.constructed.ReadAccessResult;
import com.serotonin.bacnet4j.type.constructed.ReadAccessResult.Result;
import com.serotonin.bacnet4j.type.constructed.SequenceOf;
import com.serotonin.bacnet4j.type.constructed.StatusFlags;
import com.serotonin.bacnet4j.type.enumerated.BinaryPV;
import com.serotonin.bacnet4j.type.enumerated.EngineeringUnits;
import com.serotonin.bacnet4j.type.enumerated.ObjectType;
import com.serotonin.bacnet4j.type.enumerated.PropertyIdentifier;
import com.serotonin.bacnet4j.type.primitive.CharacterString;
import com.serotonin.bacnet4j.type.primitive.ObjectIdentifier;
import com.serotonin.bacnet4j.type.primitive.Real;
import com.serotonin.bacnet4j.type.primitive.UnsignedInteger;
import com.serotonin.bacnet4j.util.sero.ByteQueue;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BoundedByteQueueTest {

    @Test
    void decoding_reads_each_byte_a_few_times_whatever_the_size_so_the_bound_leaves_a_wide_margin() throws Exception {
        for (int objects : new int[] {1, 10, 100, 300}) {
            double rpm = readsPerByte(ReadPropertyMultipleAck.TYPE_ID, answerAbout(objects));
            double list = readsPerByte(ReadPropertyAck.TYPE_ID, objectList(20 * objects));

            assertThat(rpm).as("ReadPropertyMultiple about %d objects of each kind", objects).isLessThan(3.0);
            assertThat(list).as("object list of %d", 20 * objects).isLessThan(3.0);
        }
        assertThat(BoundedByteQueue.READS_PER_BYTE).isGreaterThanOrEqualTo(30 * 3);
    }

    @Test
    void a_notification_that_anyone_can_send_and_that_keeps_bacnet4j_reading_is_ended() {
        // An unconfirmed COV notification, well formed tag by tag: [1], the initiating device, is 60 bytes long.
        // bacnet4j reads it as a 4-byte object identifier, then the rest of it as the notification: a present value
        // of analog-value 1 (commandable, so bacnet4j walks it as an ambiguous value) with a context tag of 15 bytes
        // in it, the open finding's value.
        String inside = "02000001" + "2c00800001" + "3900" + "4e09552e" + "f8c80d0fff2200ffff22ff0d0dfff1c8c80000cb820640"
                + "2f4f" + "00".repeat(20);
        byte[] notification = HexFormat.of().parseHex("0901" + "1d3c" + inside + "2c00800001" + "3900" + "4e4f");
        assertThat(ApduGuard.wellFormed(notification, 0)).isTrue();

        Throwable failure = decodeWithin30s(() -> UnconfirmedRequestService.createUnconfirmedRequestService((byte) 2,
                new BoundedByteQueue(notification)));

        assertThat(DecodeFailures.describe(failure)).startsWith("bacnet4j made ")
                .endsWith("reads of its 73 bytes without finishing: an encoding it decodes forever");
    }

    @Test
    void a_length_read_out_of_step_ends_the_decode_before_bacnet4j_works_on_it() {
        // An I-Am, which anyone can send, well formed tag by tag: an Unsigned of 1 byte where bacnet4j reads a 4-byte
        // object identifier, so that it reads the next Unsigned's header inside an octet string: 0x0c000000 bytes.
        byte[] iAm = HexFormat.of().parseHex("2100" + "6508" + "00" + "25ff0c000000" + "00" + "2100");
        assertThat(ApduGuard.wellFormed(iAm, 0)).isTrue();

        Throwable failure = decodeWithin30s(() -> UnconfirmedRequestService.createUnconfirmedRequestService((byte) 0,
                new BoundedByteQueue(iAm)));

        assertThat(DecodeFailures.describe(failure)).isEqualTo("bacnet4j read a length of 201326592 bytes where 3 are left");
    }

    @Test
    void a_copy_that_bacnet4j_makes_shares_the_bound() {
        BoundedByteQueue queue = new BoundedByteQueue(new byte[] {1, 2, 3});
        ByteQueue copy = (ByteQueue) queue.clone();

        copy.peek(0);
        copy.pop();

        assertThat(queue.reads()).isEqualTo(2);
    }

    private interface Decoding {
        Object run() throws Exception;
    }

    private static Throwable decodeWithin30s(Decoding decoding) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                decoding.run();
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
        assertThat(failure.get()).as("decoding ended with a failure").isNotNull();
        return failure.get();
    }

    private static double readsPerByte(byte serviceChoice, AcknowledgementService answer) throws Exception {
        ByteQueue encoded = new ByteQueue();
        answer.write(encoded);
        byte[] data = encoded.popAll();
        BoundedByteQueue queue = new BoundedByteQueue(data);
        AcknowledgementService.createAcknowledgementService(serviceChoice, queue);
        return queue.reads() / (double) data.length;
    }

    /** Present values, status, names, units, priority arrays, state texts and proprietary values of each kind. */
    private static ReadPropertyMultipleAck answerAbout(int objects) throws Exception {
        List<ReadAccessResult> results = new ArrayList<>();
        for (int i = 0; i < objects; i++) {
            results.add(new ReadAccessResult(new ObjectIdentifier(ObjectType.analogInput, i), new SequenceOf<>(
                    new Result(PropertyIdentifier.presentValue, null, new Real(21.5f + i)),
                    new Result(PropertyIdentifier.statusFlags, null, new StatusFlags(false, true, false, false)),
                    new Result(PropertyIdentifier.objectName, null, new CharacterString("zone temperature " + i)),
                    new Result(PropertyIdentifier.units, null, EngineeringUnits.degreesCelsius))));
            results.add(new ReadAccessResult(new ObjectIdentifier(ObjectType.analogValue, i), new SequenceOf<>(
                    new Result(PropertyIdentifier.presentValue, null, new Real(21.5f + i)),
                    new Result(PropertyIdentifier.priorityArray, null, new PriorityArray()))));
            results.add(new ReadAccessResult(new ObjectIdentifier(ObjectType.binaryOutput, i), new SequenceOf<>(
                    new Result(PropertyIdentifier.presentValue, null, BinaryPV.active))));
            results.add(new ReadAccessResult(new ObjectIdentifier(ObjectType.multiStateValue, i), new SequenceOf<>(
                    new Result(PropertyIdentifier.presentValue, null, new UnsignedInteger(2)),
                    new Result(PropertyIdentifier.stateText, null, new BACnetArray<>(new CharacterString("Off"),
                            new CharacterString("Heat"), new CharacterString("Cool"))))));
            // A proprietary property holding a constructed value: bacnet4j reads it twice (primitive first).
            results.add(new ReadAccessResult(new ObjectIdentifier(ObjectType.analogInput, 10_000 + i), new SequenceOf<>(
                    new Result(PropertyIdentifier.forId(512), null, new AmbiguousValue(
                            new ByteQueue(HexFormat.of().parseHex("3e4441ac00003e21053f3f")), 3)))));
        }
        return new ReadPropertyMultipleAck(new SequenceOf<>(results));
    }

    private static ReadPropertyAck objectList(int objects) {
        List<ObjectIdentifier> list = new ArrayList<>();
        for (int i = 0; i < objects; i++) {
            list.add(new ObjectIdentifier(ObjectType.analogInput, i));
        }
        return new ReadPropertyAck(new ObjectIdentifier(ObjectType.device, 1), PropertyIdentifier.objectList, null,
                new BACnetArray<>(list));
    }
}
