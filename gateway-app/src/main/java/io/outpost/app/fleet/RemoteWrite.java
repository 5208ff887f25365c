package io.outpost.app.fleet;

import io.outpost.core.command.CommandPayload;
import io.outpost.core.command.CommandRouter;
import io.outpost.core.point.PointRef;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code write} (device, point, value; or {@code relinquish: true}): signed. Goes through the core's command path
 * ({@link CommandRouter#write}): the point must be writable, and the conversion, type and range checks are those of
 * a command message on the point's MQTT topic, done once, in the core. Answers what the device said: ok, the core's
 * refusal ({@code out-of-range}, {@code conversion-error}, {@code not-writable}: the device was not touched), or the
 * device's error ({@code timeout}, an exception code...).
 */
final class RemoteWrite implements RemoteCommand {

    /** Beyond the device's own timeout and retries: a write not answered by then is reported as {@code timeout}. */
    static final Duration MAX_WAIT = Duration.ofSeconds(60);

    private final FleetHost host;

    RemoteWrite(FleetHost host) {
        this.host = host;
    }

    @Override
    public String name() {
        return "write";
    }

    @Override
    public boolean signed() {
        return true;
    }

    @Override
    public FleetJson.Body run(CommandRequest request) throws CommandFailure, InterruptedException {
        String device = request.required("device");
        String point = request.required("point");
        boolean relinquish = Boolean.TRUE.equals(request.value("relinquish"));
        Object value = request.value("value");
        if (value instanceof Map<?, ?> || value instanceof List<?> l && l.stream().anyMatch(Map.class::isInstance)) {
            throw new CommandFailure("malformed", "value must be a number, text, boolean or an array of those");
        }
        if (relinquish && value != null) {
            throw new CommandFailure("malformed", "a write either relinquishes or carries a value, not both");
        }
        if (!relinquish && !request.has("value")) {
            throw new CommandFailure("malformed", "write needs value (or relinquish: true)");
        }
        CommandPayload payload = new CommandPayload(value, request.id(), relinquish || value == null);
        CommandRouter.WriteOutcome outcome;
        try {
            outcome = host.write(new PointRef(device, point), payload).toCompletableFuture()
                    .get(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new CommandFailure("timeout", "the device did not answer within " + MAX_WAIT.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new CommandFailure("failed", String.valueOf(e.getCause()));
        }
        if (!outcome.ok()) {
            throw new CommandFailure(outcome.error(), (outcome.refused() ? "refused by the gateway, the device was "
                    + "not written: " : "the device write failed: ") + outcome.message());
        }
        return g -> {
            g.writeStringField("device", device);
            g.writeStringField("point", point);
            g.writeFieldName("value");
            JsonTree.write(g, payload.value());
            g.writeStringField("device-answer", "ok");
        };
    }
}
