package io.outpost.app;

import io.outpost.core.config.ConfigException;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.spi.DeviceException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/** What the protocol helper commands share: loading the config and finding a device of a protocol in it. */
final class ToolSupport {

    private ToolSupport() {
    }

    /** Thrown with a message for the user; the command exits with the given status. */
    static final class ToolFailure extends Exception {
        final int status;

        ToolFailure(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    static GatewayConfig load(Path config) throws ToolFailure {
        try {
            return new ConfigFiles().load(config);
        } catch (ConfigException e) {
            throw new ToolFailure(ExitCodes.INVALID, e.getMessage());
        }
    }

    static DeviceConfig device(GatewayConfig config, String id, String protocol) throws ToolFailure {
        DeviceConfig device = config.device(id).orElseThrow(() -> new ToolFailure(ExitCodes.INVALID, "no device '" + id
                + "' in " + config.file() + "; its " + protocol + " devices: " + ids(config, protocol)));
        if (!device.protocol().equals(protocol)) {
            throw new ToolFailure(ExitCodes.INVALID, "device '" + id + "' is a " + device.protocol() + " device, not "
                    + protocol + "; its " + protocol + " devices: " + ids(config, protocol));
        }
        return device;
    }

    private static List<String> ids(GatewayConfig config, String protocol) {
        return config.devices().stream().filter(d -> d.protocol().equals(protocol)).map(DeviceConfig::id).toList();
    }

    /** Aligned columns, header first. */
    static <T> String table(List<String> header, List<T> rows, Function<T, List<String>> cells) {
        List<List<String>> all = new java.util.ArrayList<>();
        all.add(header);
        rows.forEach(r -> all.add(cells.apply(r)));
        int[] widths = new int[header.size()];
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                out.append(row.get(i));
                if (i < row.size() - 1) {
                    out.append(" ".repeat(widths[i] - row.get(i).length() + 2));
                }
            }
            out.append('\n');
        }
        return out.toString();
    }

    static int fail(PrintWriter err, ToolFailure f) {
        err.println("outpost: " + f.getMessage());
        return f.status;
    }

    /** The device could not be reached or answered with an error: a run-time failure, with the reason shown. */
    static int fail(PrintWriter err, DeviceException e) {
        err.println("outpost: " + e.getMessage() + " (" + e.reason() + ")");
        return ExitCodes.FAILURE;
    }
}
