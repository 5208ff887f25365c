package io.outpost.mqtt.internal.bridge.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.HexFormat;
import java.util.List;

/**
 * Any bytes as a ts-batch point table and as a batch (decoded with the fuzzed table when it decodes, else with the
 * examples' table of every kind): decoding ends with a table or batch, or with a {@link TsFormatException}, nothing
 * else; and what decodes, encoded again with the same table, decodes to the same readings. Kept inputs:
 * src/test/resources/io/outpost/mqtt/bridge/batch/TsBatchDecoderFuzzTestInputs/.
 */
class TsBatchDecoderFuzzTest {

    private static final TsTable EVERY_KIND = TsTable.decode(HexFormat.of().parseHex(
            (String) TsBatchExamples.full().get("table")));

    @FuzzTest
    void anyBytes_decodeOrAreRefused_andWhatDecodesEncodesBackTheSame(FuzzedDataProvider data) {
        byte[] tableBytes = data.consumeBytes(data.consumeInt(0, 512));
        byte[] batch = data.consumeRemainingAsBytes();
        TsTable table = EVERY_KIND;
        try {
            table = TsTable.decode(tableBytes);
        } catch (TsFormatException e) {
            // Refused: the batch is tried with the table of every kind instead.
        }
        TsTable used = table;
        TsBatchDecoder.Batch decoded;
        try {
            decoded = TsBatchDecoder.decode(batch, id -> used);
        } catch (TsFormatException e) {
            return; // refused, as malformed input must be
        }
        byte[] again = TsBatchEncoder.encode(used, decoded.readings(), List.of(), decoded.history());
        TsBatchDecoder.Batch twice = TsBatchDecoder.decode(again, id -> used);
        assertThat(twice.readings().stream().map(TsSamples::wire).toList())
                .isEqualTo(decoded.readings().stream().map(TsSamples::wire).toList());
    }

}
