package io.outpost.adapter.bacnet.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.serotonin.bacnet4j.service.acknowledgement.ReadPropertyMultipleAck;
import com.serotonin.bacnet4j.type.constructed.ReadAccessResult;
import com.serotonin.bacnet4j.type.constructed.ReadAccessResult.Result;
import com.serotonin.bacnet4j.type.constructed.SequenceOf;
import com.serotonin.bacnet4j.type.enumerated.ObjectType;
import com.serotonin.bacnet4j.type.enumerated.PropertyIdentifier;
import com.serotonin.bacnet4j.type.primitive.CharacterString;
import com.serotonin.bacnet4j.type.primitive.ObjectIdentifier;
import com.serotonin.bacnet4j.type.primitive.Real;
import com.serotonin.bacnet4j.util.sero.ByteQueue;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ApduGuardTest {

    /** The ReadPropertyMultiple answer the fuzzer found: bacnet4j decodes it forever (negative extended length). */
    private static final String ENDLESS_RPM_ACK = "0c008000011e29554e4441e5ffffffa5ffffffff404f1f";

    private static byte[] complexAck(byte[] serviceData) {
        byte[] apdu = new byte[3 + serviceData.length];
        apdu[0] = 0x30;
        apdu[1] = 1;
        apdu[2] = ReadPropertyMultipleAck.TYPE_ID;
        System.arraycopy(serviceData, 0, apdu, 3, serviceData.length);
        return apdu;
    }

    @Test
    void theAnswerThatBacnet4jDecodesForever_isDropped() {
        assertThat(ApduGuard.acceptable(complexAck(HexFormat.of().parseHex(ENDLESS_RPM_ACK)))).isFalse();
    }

    @Test
    void whatBacnet4jEncodes_isAccepted() {
        ReadAccessResult object = new ReadAccessResult(new ObjectIdentifier(ObjectType.analogValue, 1),
                new SequenceOf<>(new Result(PropertyIdentifier.presentValue, null, new Real(21.5f)),
                        new Result(PropertyIdentifier.objectName, null, new CharacterString("Zone 3 setpoint"))));
        ByteQueue queue = new ByteQueue();
        new ReadPropertyMultipleAck(new SequenceOf<>(object)).write(queue);

        assertThat(ApduGuard.acceptable(complexAck(queue.popAll()))).isTrue();
    }

    @Test
    void unpairedTagsWrongLengthsAndSegmentedRequests_areDropped() {
        assertThat(ApduGuard.wellFormed(HexFormat.of().parseHex("1e2955"), 0)).as("opening tag never closed").isFalse();
        assertThat(ApduGuard.wellFormed(HexFormat.of().parseHex("1f"), 0)).as("closing tag never opened").isFalse();
        assertThat(ApduGuard.wellFormed(HexFormat.of().parseHex("4541e5ffff00"), 0)).as("a REAL of 5 bytes").isFalse();
        assertThat(ApduGuard.wellFormed(HexFormat.of().parseHex("4441e5ff"), 0)).as("cut short").isFalse();
        assertThat(ApduGuard.acceptable(HexFormat.of().parseHex("0805010c00"))).as("segmented request").isFalse();
        assertThat(ApduGuard.wellFormed(HexFormat.of().parseHex("0500"), 0)).as("a length 0 written long").isFalse();
        assertThat(ApduGuard.wellFormed(HexFormat.of().parseHex("6d03aabbcc"), 0)).as("a length 3 written long").isFalse();
        assertThat(ApduGuard.wellFormed(HexFormat.of().parseHex("4441e5ffff21059100"), 0)).isTrue();
    }
}
