package io.outpost.mqtt.internal.bridge.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The documented decoder example ({@code docs/examples/uplink_decode.py}) run by Debian's Python with cbor2, zlib and
 * zstandard: an implementation of the formats that shares no code with the encoder.
 */
public final class PythonDecoder {

    public static final Path SCRIPT = Path.of("..", "docs", "examples", "uplink_decode.py");
    private static final String PYTHON = "/usr/bin/python3";

    private PythonDecoder() {
    }

    /** Skips the test (with a message) unless python3 with cbor2 and zstandard is there. */
    public static void assumeAvailable() {
        boolean ok;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import cbor2, zstandard").redirectErrorStream(true).start();
            ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            ok = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ok = false;
        }
        assumeTrue(ok, "python3 with cbor2 and zstandard is not installed (Debian python3-cbor2 python3-zstandard); skipping");
    }

    /** The JSON lines the decoder prints for one payload. */
    public static List<String> decode(byte[] payload, Path... dictionaries) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON, SCRIPT.toString()));
        for (Path d : dictionaries) {
            command.add("--dict");
            command.add(d.toString());
        }
        Path err = Files.createTempFile("decoder", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            p.getOutputStream().write(payload);
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("the decoder failed: " + Files.readString(err));
            }
            String text = new String(out, StandardCharsets.UTF_8).trim();
            return text.isEmpty() ? List.of() : List.of(text.split("\n"));
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
