package io.outpost.app.fleet;

import io.outpost.core.spi.DeviceStatus;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code restart-adapter} (device; {@code timeout} in seconds, default 30, at most 300): signed. Stops and starts the
 * device's adapter the way a reload restarts a changed device, then waits until its first poll says online (ok) or
 * offline (error {@code offline} with the device's reason), or the timeout passes ({@code timeout}).
 */
final class RemoteRestartAdapter implements RemoteCommand {

    private static final long CHECK_MILLIS = 100;

    private final FleetHost host;

    RemoteRestartAdapter(FleetHost host) {
        this.host = host;
    }

    @Override
    public String name() {
        return "restart-adapter";
    }

    @Override
    public boolean signed() {
        return true;
    }

    @Override
    public FleetJson.Body run(CommandRequest request) throws CommandFailure, InterruptedException {
        String device = request.required("device");
        Duration timeout = Duration.ofSeconds(request.integer("timeout", 30, 1, 300));
        long started = System.nanoTime();
        if (!host.restartDevice(device)) {
            throw new CommandFailure("unknown-device", "no running device " + device + "; devices: "
                    + host.devices().keySet());
        }
        long deadline = started + timeout.toNanos();
        DeviceStatus status = host.devices().get(device);
        while (status == null || status.state() == DeviceStatus.State.STARTING) {
            if (System.nanoTime() - deadline > 0) {
                throw new CommandFailure("timeout", "restarted; no poll finished within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(CHECK_MILLIS);
            status = host.devices().get(device);
        }
        if (status.state() != DeviceStatus.State.ONLINE) {
            throw new CommandFailure("offline", "restarted; the device is " + status.state().name()
                    .toLowerCase(Locale.ROOT) + ": " + status.reason());
        }
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        return g -> {
            g.writeStringField("device", device);
            g.writeStringField("state", "online");
            g.writeNumberField("millis", millis);
        };
    }
}
