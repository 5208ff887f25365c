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

    /**
     * The open finding {@code crash-0e2bde97...}: a present value (of a commandable object, which bacnet4j walks
     * as an ambiguous value) holding a context tag [0] of 15 bytes, which bacnet4j takes for an opening tag; its
     * content, read as tags, has a 4-byte length of 0xf1c8c800 that turns negative in bacnet4j's int arithmetic.
     */
    private static final String ENDLESS_VALUE = "f8c80d0fff2200ffff22ff0d0dfff1c8c80000cb820640";

    private static byte[] unconfirmed(int service, String serviceData) {
        return HexFormat.of().parseHex("10" + String.format("%02x", service) + serviceData);
    }

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

    @Test
    void aValueWithAContextTagThatBacnet4jTakesForAnOpeningTag_isRefused_inAnswersNotificationsAndTransfers() {
        assertThat(ApduGuard.acceptable(complexAck(HexFormat.of().parseHex("0c008000011e29554e" + ENDLESS_VALUE + "4f1f"))))
                .as("ReadPropertyMultiple answer").isFalse();
        assertThat(ApduGuard.flaw(HexFormat.of().parseHex("0c0080000119553e" + ENDLESS_VALUE + "3f"), 0))
                .as("ReadProperty answer").hasValueSatisfying(f -> assertThat(f).contains("context tag [0] of 15 bytes"));
        // Anyone on the BACnet network can send these two: no request of ours needed.
        assertThat(ApduGuard.acceptable(unconfirmed(2, "0901" + "1c02000001" + "2c00800001" + "3900" + "4e09552e"
                + ENDLESS_VALUE + "2f4f"))).as("unconfirmed COV notification").isFalse();
        assertThat(ApduGuard.acceptable(unconfirmed(4, "0907" + "1901" + "2e" + ENDLESS_VALUE + "2f")))
                .as("unconfirmed private transfer").isFalse();
    }

    @Test
    void insideAValue_contextTagsOfTheLengthsBacnet4jMistakesAndExtendedOpeningTags_areRefused() {
        for (int length : new int[] {6, 7, 14, 15, 22, 23, 254}) {
            assertThat(ApduGuard.wellFormed(nested(contextTag(length)), 0)).as("context tag of %d bytes", length).isFalse();
        }
        for (int length : new int[] {5, 8, 13, 16, 21, 24, 253}) {
            assertThat(ApduGuard.wellFormed(nested(contextTag(length)), 0)).as("context tag of %d bytes", length).isTrue();
        }
        assertThat(ApduGuard.wellFormed(nested(HexFormat.of().parseHex("fe20" + "4441ac0000" + "ff20")), 0))
                .as("opening tag [32] inside a value").isFalse();
        assertThat(ApduGuard.wellFormed(nested(HexFormat.of().parseHex("5e" + "4441ac0000" + "5f")), 0))
                .as("opening tag [5] inside a value").isTrue();
        // Application tags of those lengths are read by their length everywhere: a 13-character name is fine.
        assertThat(ApduGuard.wellFormed(nested(HexFormat.of().parseHex("750e00" + "7a6f6e652d74656d702d303132")), 0))
                .isTrue();
    }

    @Test
    void outsideAnyValue_theServicesGrammarReadsThem_soTheyAreAccepted() {
        // A Who-Has for an object named "AHU-1" ([3] CharacterString of 6 bytes), and an opening tag [20] that is
        // not inside another.
        assertThat(ApduGuard.acceptable(unconfirmed(7, "3d0600" + "4148552d31"))).isTrue();
        assertThat(ApduGuard.wellFormed(HexFormat.of().parseHex("fe14" + "4441ac0000" + "ff14"), 0)).isTrue();
    }

    /** A context tag [0] of {@code length} bytes of zeros, in its shortest form. */
    private static byte[] contextTag(int length) {
        String header = length < 5 ? String.format("%02x", 0x08 | length)
                : length < 254 ? "0d" + String.format("%02x", length) : "0dfe" + String.format("%04x", length);
        return HexFormat.of().parseHex(header + "00".repeat(length));
    }

    /** {@code tags} inside the value of a ReadPropertyMultiple answer ([1] { [2] pid [4] { tags } }). */
    private static byte[] nested(byte[] tags) {
        return HexFormat.of().parseHex("0c00800001" + "1e" + "2955" + "4e" + HexFormat.of().formatHex(tags) + "4f" + "1f");
    }
}
