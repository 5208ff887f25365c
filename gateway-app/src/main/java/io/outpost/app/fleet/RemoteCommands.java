package io.outpost.app.fleet;

import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import io.outpost.core.runtime.CoreServices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers command requests on {@code <prefix>cmd} with a response on {@code <prefix>cmd/result}, request-response
 * by the request's {@code id} (docs/fleet.md, "Remote commands"). A request is a JSON object
 * {@code {"id":"r-1","command":"metrics",...}}, or, for a command that changes something, a signed envelope of type
 * {@value SignedEnvelope#COMMAND} whose payload is that object (checked: signature by a trusted key, this gateway,
 * signing time within {@code fleet.commands.max-age} and never taken before, {@link CommandReplayGuard}). Responses:
 * {@code {"id":"r-1","ok":true,...}} or {@code {"id":"r-1","ok":false,"error":"unknown-command","message":"..."}}, at
 * most {@link #MAX_RESPONSE_BYTES}.
 *
 * <p>{@link #handle} is called on the fleet agent's thread and checks the request there; the command itself runs on
 * one command thread of its own (started when needed, ended when idle), since commands wait for devices. At most
 * {@value #MAX_WAITING} requests wait for it; more are refused ({@code busy}).
 */
final class RemoteCommands implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteCommands.class);
    static final int MAX_REQUEST_BYTES = 64 * 1024;
    static final int MAX_RESPONSE_BYTES = 64 * 1024;
    static final int MAX_WAITING = 8;

    private final Supplier<FleetConfig> fleet;
    private final Supplier<TrustedKeys> keys;
    private final Supplier<String> gatewayId;
    private final CommandReplayGuard replays;
    private final Map<String, RemoteCommand> commands = new LinkedHashMap<>();
    private final ThreadPoolExecutor worker;

    /** Whether a command of this name changes something (and is taken signed only). */
    boolean needsSignature(String name) {
        RemoteCommand c = commands.get(name);
        return c != null && c.signed();
    }

    RemoteCommands(FleetHost host, ConfigHistory history, Supplier<FleetConfig> fleet, Supplier<TrustedKeys> keys,
                   Clock clock) {
        this(host, () -> host.config().gateway().id(), history, fleet, keys, clock);
    }

    RemoteCommands(FleetHost host, Supplier<String> gatewayId, ConfigHistory history, Supplier<FleetConfig> fleet,
                   Supplier<TrustedKeys> keys, Clock clock) {
        this.fleet = fleet;
        this.keys = keys;
        this.gatewayId = gatewayId;
        this.replays = new CommandReplayGuard(history.dir().resolve("commands-seen"), clock);
        for (RemoteCommand c : new RemoteCommand[] {new RemoteMetrics(host, clock), new RemoteRead(host),
                new RemoteWrite(host), new RemoteRestartAdapter(host), new RemoteLogs(host), new RemoteProbe(host, fleet),
                new RemoteBrowse(host), new RemoteDiscover(host, fleet)}) {
            commands.put(c.name(), c);
        }
        this.worker = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(MAX_WAITING),
                CoreServices.named("outpost-fleet-cmd", true));
        worker.allowCoreThreadTimeOut(true);
    }

    /**
     * Checks a request and runs it; {@code answer} gets the response (on the command thread, or at once on this one
     * for a refusal). Nothing is answered to a request that cannot be answered (no id) or when commands are off.
     */
    void handle(byte[] request, Consumer<byte[]> answer) {
        if (!fleet.get().commands()) {
            return;
        }
        CommandRequest parsed;
        try {
            parsed = check(request);
        } catch (Refused r) {
            answer.accept(error(r.id, r.code, r.getMessage()));
            return;
        }
        RemoteCommand command = commands.get(parsed.command());
        try {
            // One command at a time: they wait for devices, and a second write racing the first helps no one.
            worker.execute(() -> {
                byte[] response = run(command, parsed);
                try {
                    answer.accept(response);
                } catch (RuntimeException e) {
                    // The agent is closing (its loop refuses work): the requester times out, as on a lost link.
                    LOG.warn("fleet: the answer to command {} ({}) was not sent: {}", parsed.command(), parsed.id(),
                            e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            answer.accept(error(parsed.id(), "busy", MAX_WAITING + " commands wait already; try again later"));
        }
    }

    /**
     * Reads and checks a request (untrusted bytes): a known command, signed and fresh when it changes something.
     *
     * @throws Refused with the response's error code
     */
    CommandRequest check(byte[] request) throws Refused {
        if (request.length > MAX_REQUEST_BYTES) {
            throw new Refused(null, "too-large", "requests are at most " + MAX_REQUEST_BYTES + " bytes");
        }
        Map<String, Object> json;
        try {
            json = JsonTree.object(request);
        } catch (IOException | RuntimeException e) {
            throw new Refused(null, "malformed", "not a JSON object: " + e.getMessage());
        }
        SignedEnvelope envelope = null;
        if (SignedEnvelope.COMMAND.equals(json.get("type"))) {
            try {
                envelope = SignedEnvelope.parse(request, SignedEnvelope.COMMAND);
                json = JsonTree.object(envelope.payload());
            } catch (SignedEnvelope.EnvelopeException e) {
                throw new Refused(null, e.code(), e.getMessage());
            } catch (IOException | RuntimeException e) {
                throw new Refused(null, "malformed", "the envelope's payload is not a JSON object: " + e.getMessage());
            }
        }
        String id = json.get("id") instanceof String s ? s : null;
        if (!(json.get("command") instanceof String name)) {
            throw new Refused(id, "malformed", "command is required");
        }
        RemoteCommand command = commands.get(name);
        if (command == null) {
            throw new Refused(id, "unknown-command", "known commands: " + String.join(", ", commands.keySet()));
        }
        if (envelope != null) {
            verify(id, name, envelope);
        } else if (command.signed()) {
            throw new Refused(id, "unsigned", name + " changes the plant: it is only taken in an envelope signed by "
                    + "a trusted key (outpost fleet cmd --sign-key)");
        }
        return new CommandRequest(id, name, json, envelope != null);
    }

    private void verify(String id, String name, SignedEnvelope envelope) throws Refused {
        try {
            if (!envelope.gateway().equals(gatewayId.get())) {
                throw new SignedEnvelope.EnvelopeException("wrong-gateway", "signed for gateway " + envelope.gateway());
            }
            keys.get().verify(envelope.keyId(), envelope.signedBytes(), envelope.signature());
            replays.admit(envelope.version(), envelope.payloadHash(), fleet.get().commandMaxAge());
            LOG.info("fleet: signed command {} ({}) taken: key {}, signed at {}", name, id, envelope.keyId(),
                    java.time.Instant.ofEpochMilli(envelope.version()));
        } catch (SignedEnvelope.EnvelopeException e) {
            LOG.warn("fleet: signed command refused ({}): {}", e.code(), e.getMessage());
            throw new Refused(id, e.code(), e.getMessage());
        } catch (IOException e) {
            LOG.error("fleet: cannot remember signed commands in {}", e.getMessage());
            throw new Refused(id, "failed", "the gateway cannot record the command against replay: " + e.getMessage());
        }
    }

    private byte[] run(RemoteCommand command, CommandRequest request) {
        try {
            FleetJson.Body body = command.run(request);
            byte[] response = FleetJson.object(g -> {
                if (request.id() != null) {
                    g.writeStringField("id", request.id());
                }
                g.writeBooleanField("ok", true);
                body.write(g);
            });
            return response.length <= MAX_RESPONSE_BYTES ? response : error(request.id(), "too-large",
                    "the answer has " + response.length + " bytes, at most " + MAX_RESPONSE_BYTES);
        } catch (CommandFailure f) {
            return error(request.id(), f.code(), f.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(request.id(), "stopped", "the gateway is stopping");
        } catch (RuntimeException e) {
            LOG.error("fleet: command {} failed", command.name(), e);
            return error(request.id(), "failed", e.toString());
        }
    }

    static byte[] error(String id, String code, String message) {
        return FleetJson.object(g -> {
            if (id != null) {
                g.writeStringField("id", id);
            }
            g.writeBooleanField("ok", false);
            g.writeStringField("error", code);
            g.writeStringField("message", message);
        });
    }

    /** Stops the command thread (a running command is interrupted). */
    @Override
    public void close() {
        worker.shutdownNow();
    }

    /** A request refused before it ran. */
    static final class Refused extends Exception {
        final String id;
        final String code;

        Refused(String id, String code, String message) {
            super(message);
            this.id = id;
            this.code = code;
        }
    }
}
