package io.outpost.app.fleet;

import io.outpost.adapter.opcua.browse.BrowseOptions;
import io.outpost.adapter.opcua.browse.BrowseRow;
import io.outpost.adapter.opcua.browse.OpcUaBrowser;
import io.outpost.adapter.opcua.config.OpcUaDeviceSettings;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.spi.DeviceException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code browse}: an OPC UA server's address space as {@code outpost browse} lists it (the same {@link OpcUaBrowser},
 * with the device's connection, security and trust settings). Arguments: {@code device} (an opcua device of the
 * configuration: only servers the configuration names are browsed), {@code start} (node id, default the Objects
 * folder {@code i=85}), {@code depth} (default 3, at most 10), {@code timeout} (seconds for the connection, default
 * 10, at most 30). At most {@value #MAX_NODES} nodes are browsed; the answer keeps the rows that fit
 * ({@code "truncated":true} when some were left out). Read-only.
 */
final class RemoteBrowse implements RemoteCommand {

    static final int MAX_NODES = 2000;
    /** The whole browse, connection included, ends by then. */
    static final Duration MAX_TIME = Duration.ofSeconds(60);
    private static final int BUDGET = RemoteCommands.MAX_RESPONSE_BYTES - 1024;

    private final FleetHost host;

    RemoteBrowse(FleetHost host) {
        this.host = host;
    }

    @Override
    public String name() {
        return "browse";
    }

    @Override
    public boolean signed() {
        return false;
    }

    @Override
    public FleetJson.Body run(CommandRequest request) throws CommandFailure, InterruptedException {
        String deviceId = request.required("device");
        GatewayConfig config = host.config();
        DeviceConfig device = config.device(deviceId).filter(d -> d.protocol().equals("opcua"))
                .orElseThrow(() -> new CommandFailure("unknown-device", "no opcua device " + deviceId
                        + " in the running configuration"));
        String start = request.optional("start");
        int depth = request.integer("depth", 3, 1, 10);
        Duration timeout = Duration.ofSeconds(request.integer("timeout", 10, 1, 30));
        List<BrowseRow> rows;
        try (OpcUaBrowser browser = OpcUaBrowser.connect(device.settings(OpcUaDeviceSettings.class),
                config.gateway().dataDir(), config.gateway().id(), timeout)) {
            rows = within(MAX_TIME, () -> browser.browse(new BrowseOptions(start == null ? "i=85" : start, depth,
                    MAX_NODES, false)));
        } catch (DeviceException e) {
            throw new CommandFailure(e.reason(), e.getMessage());
        }
        List<BrowseRow> kept = new ArrayList<>();
        long size = 0;
        for (BrowseRow r : rows) {
            size += 64 + utf8(r.nodeId()) + utf8(r.path()) + utf8(r.nodeClass()) + utf8(r.dataType()) + utf8(r.access());
            if (size > BUDGET) {
                break;
            }
            kept.add(r);
        }
        boolean truncated = kept.size() < rows.size() || rows.size() >= MAX_NODES;
        return g -> {
            g.writeStringField("device", deviceId);
            g.writeNumberField("nodes", kept.size());
            g.writeBooleanField("truncated", truncated);
            g.writeArrayFieldStart("rows");
            for (BrowseRow r : kept) {
                g.writeStartObject();
                g.writeStringField("node", r.nodeId());
                g.writeStringField("path", r.path());
                g.writeStringField("class", r.nodeClass());
                g.writeStringField("type", r.dataType());
                g.writeStringField("access", r.access());
                g.writeEndObject();
            }
            g.writeEndArray();
        };
    }

    private interface Browse {
        List<BrowseRow> run() throws DeviceException, InterruptedException;
    }

    /**
     * Runs the browse on a thread of its own and gives up after {@code limit} (a slow server answering each of
     * thousands of requests just within its timeout must not hold the command thread for hours); the browse is then
     * interrupted and the caller closes the connection.
     */
    private static List<BrowseRow> within(Duration limit, Browse browse) throws CommandFailure, DeviceException,
            InterruptedException {
        java.util.concurrent.FutureTask<List<BrowseRow>> task = new java.util.concurrent.FutureTask<>(browse::run);
        Thread t = new Thread(task, "outpost-fleet-browse");
        t.setDaemon(true);
        t.start();
        try {
            return task.get(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            task.cancel(true);
            throw new CommandFailure("timeout", "browsing took more than " + limit.toSeconds() + " s; browse a "
                    + "smaller part (start, depth)");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof DeviceException d) {
                throw d;
            }
            throw new CommandFailure("failed", String.valueOf(e.getCause()));
        } finally {
            task.cancel(true);
        }
    }

    /** An upper bound of the text's size in JSON (each character escaped at worst to 6 bytes). */
    private static long utf8(String s) {
        long escapes = s.chars().filter(c -> c < 0x20 || c == '"' || c == '\\').count();
        return s.getBytes(StandardCharsets.UTF_8).length + escapes * 5;
    }
}
