package io.outpost.core.logic.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.core.point.PointRef;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file that keeps open aggregation windows across restarts: what is written is read back exactly, and no file
 * content stops a start (another version, bytes that are not text, a file too big: the windows start afresh).
 */
class AggregateStateFileTest {

    @TempDir
    Path dir;

    private static final AggregateStateFile.Key KEY =
            new AggregateStateFile.Key(new PointRef("tank 1", "level/%"), 60_000, "s/agg/1m/tank 1/level");
    private static final WindowStats.State STATE = new WindowStats.State(1_767_225_600_000L, 1_767_225_660_000L,
            1_767_225_629_000L, true, true, -0.1, 1e300, Double.MIN_VALUE, 0.30000000000000004, 123456.789,
            29_000, 7, 5, 1, 1, 6, 2.0 / 3, Double.NaN);

    @Test
    void what_is_saved_is_read_back_exactly_with_names_that_need_encoding() throws Exception {
        AggregateStateFile file = AggregateStateFile.in(dir);
        file.save(List.of(Map.entry(KEY, STATE)));

        assertThat(file.load()).containsExactly(Map.entry(KEY, STATE));
        assertThat(Files.readAllLines(file.path()).get(0)).isEqualTo(AggregateStateFile.HEADER);
    }

    @Test
    void a_file_of_another_version_garbage_or_too_big_is_no_window_and_no_failure() throws Exception {
        AggregateStateFile file = AggregateStateFile.in(dir);
        file.save(List.of(Map.entry(KEY, STATE)));
        List<String> lines = Files.readAllLines(file.path());

        Files.write(file.path(), List.of("outpost-aggregates 2", lines.get(1)));
        assertThat(file.load()).isEmpty();

        Files.write(file.path(), new byte[] {'o', 'u', (byte) 0xc3, (byte) 0x28, 0, '\n', (byte) 0xff});
        assertThat(file.load()).isEmpty();

        Files.write(file.path(), List.of(AggregateStateFile.HEADER, lines.get(1).replace("\t60000\t", "\t1000\t"),
                "a\tb", lines.get(1)));
        assertThat(file.load()).as("inconsistent and short lines skipped, the good one kept")
                .containsExactly(Map.entry(KEY, STATE));

        try (RandomAccessFile raf = new RandomAccessFile(file.path().toFile(), "rw")) {
            raf.setLength(AggregateStateFile.MAX_BYTES + 1); // sparse: cheap
        }
        assertThat(file.load()).isEmpty();
    }
}
