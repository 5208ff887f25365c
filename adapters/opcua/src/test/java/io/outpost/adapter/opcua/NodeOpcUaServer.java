package io.outpost.adapter.opcua;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.outpost.testing.ExternalProcess;
import io.outpost.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The independent peer: {@code src/test/node/server.js} on node-opcua, started with node on a free port. Tests
 * that need it are skipped with a message when node or the npm packages are missing (scripts/test.sh installs
 * them with {@code npm ci}).
 */
final class NodeOpcUaServer implements AutoCloseable {

    static final Path FOLDER = Path.of("src/test/node").toAbsolutePath();

    private final ExternalProcess process;
    private final String endpoint;
    private final Path certificate;
    private final int port;

    private NodeOpcUaServer(ExternalProcess process, String endpoint, Path certificate, int port) {
        this.process = process;
        this.endpoint = endpoint;
        this.certificate = certificate;
        this.port = port;
    }

    static void assumeAvailable() {
        assumeTrue(ExternalProcess.available("node"), "node is not installed: skipping the node-opcua peer tests");
        assumeTrue(Files.isDirectory(FOLDER.resolve("node_modules/node-opcua-server")),
                "node-opcua is not installed: run 'npm ci' in " + FOLDER + " (scripts/test.sh does)");
    }

    static NodeOpcUaServer start(Path pki) {
        return start(pki, FreePorts.tcp());
    }

    static NodeOpcUaServer start(Path pki, int port) {
        ExternalProcess p = ExternalProcess.start("node-opcua-" + port,
                List.of("node", "server.js", Integer.toString(port), pki.toString()), FOLDER);
        String line = p.awaitLine(l -> l.startsWith("listening on "), Duration.ofSeconds(90));
        String[] parts = line.split(" ");
        return new NodeOpcUaServer(p, parts[2], Path.of(parts[4]), port);
    }

    String endpoint() {
        return endpoint;
    }

    int port() {
        return port;
    }

    /** The server's certificate (PEM). */
    Path certificate() {
        return certificate;
    }

    /** Stops the server at once, like a power cut. */
    void kill() {
        process.kill();
    }

    @Override
    public void close() {
        process.close();
    }
}
