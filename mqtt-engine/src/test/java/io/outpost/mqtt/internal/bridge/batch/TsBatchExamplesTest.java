package io.outpost.mqtt.internal.bridge.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The examples the Python and JavaScript decoders are tested on are what the encoder writes today: a change of the
 * format that forgets them fails here. To write them anew after a deliberate change:
 * {@code -Dts.examples.write=true} (then update the worked example in docs/uplink-formats.md too).
 */
class TsBatchExamplesTest {

    static final Path FILE = Path.of("..", "docs", "examples", "ts-batch-examples.json");

    @Test
    void theExamplesFile_holdsWhatTheEncoderWritesToday() throws Exception {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        String now = json.writeValueAsString(List.of(TsBatchExamples.small(), TsBatchExamples.full())) + "\n";
        if (Boolean.getBoolean("ts.examples.write")) {
            Files.writeString(FILE, now);
        }

        assertThat(Files.readString(FILE)).isEqualTo(now);
    }

    @Test
    void theDocsWorkedExample_isTheSmallExample() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "uplink-formats.md"));
        String batch = (String) TsBatchExamples.small().get("batch");
        String table = (String) TsBatchExamples.small().get("table");

        String compact = doc.replaceAll("[ \\n]", "");
        assertThat(compact.contains(spaced(table).replace(" ", ""))).as("the doc shows the table " + spaced(table)).isTrue();
        assertThat(compact.contains(spaced(batch).replace(" ", ""))).as("the doc shows the batch " + spaced(batch)).isTrue();
    }

    static String spaced(String hex) {
        return hex.replaceAll("(..)(?!$)", "$1 ").toUpperCase(java.util.Locale.ROOT);
    }
}
