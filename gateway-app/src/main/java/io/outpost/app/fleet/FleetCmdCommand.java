package io.outpost.app.fleet;

import io.outpost.core.command.CommandPayload;
import io.outpost.core.command.CommandRejectedException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "cmd", description = {
    "Send one remote command to a gateway and print its JSON answer (exit 1 when it is not ok or does not come).",
    "Commands: metrics, read, write, restart-adapter, logs, probe, browse, discover (docs/fleet.md,",
    "\"Remote commands\");",
    "write and restart-adapter must be signed (--sign-key)."})
public final class FleetCmdCommand implements Callable<Integer> {

    @Mixin
    FleetConnectionOptions connection;

    @Parameters(index = "0", paramLabel = "GATEWAY", description = "The gateway's id.")
    String gateway;

    @Parameters(index = "1", paramLabel = "COMMAND", description = "metrics, read, write, restart-adapter, logs, probe, browse, discover.")
    String command;

    @Option(names = "--device", description = "Device id (read, write, restart-adapter, probe, browse).")
    String device;

    @Option(names = "--point", description = "Point id (read, write).")
    String point;

    @Option(names = "--value", description = "Value to write: 42, 21.5, true, AUTO, [1,2] (as on a command topic).")
    String value;

    @Option(names = "--relinquish", description = "write: relinquish the point instead of writing a value.")
    boolean relinquish;

    @Option(names = "--lines", description = "logs: how many lines (default 100, at most 1000).")
    Integer lines;

    @Option(names = "--address", description = "probe: first address, Modicon reference (40001).")
    String address;

    @Option(names = "--count", description = "probe: registers to read (default 4).")
    Integer count;

    @Option(names = "--unit", description = "probe: unit id (default: the device's).")
    Integer unit;

    @Option(names = "--expect", description = "probe: a value the registers should hold.")
    Double expect;

    @Option(names = "--host", description = "probe: host instead of --device (a configured device's, loopback, or "
            + "any when the gateway allows discovery).")
    String host;

    @Option(names = "--port", description = "probe: port with --host (default 502).")
    Integer port;

    @Option(names = "--device-timeout", paramLabel = "SECONDS", description = "probe: answer timeout (default 3); "
            + "browse: connection timeout (default 10); restart-adapter: how long to wait for the device (default 30).")
    Integer deviceTimeout;

    @Option(names = "--start", description = "browse: node to start from (default i=85, the Objects folder).")
    String start;

    @Option(names = "--depth", description = "browse: levels to descend (default 3, at most 10).")
    Integer depth;

    @Option(names = "--low", description = "discover: lowest device instance.")
    Integer low;

    @Option(names = "--high", description = "discover: highest device instance.")
    Integer high;

    @Option(names = "--listen", paramLabel = "SECONDS", description = "discover: how long to collect I-Am answers (default 3).")
    Integer listen;

    @Option(names = "--objects", description = "discover: also list the objects of the devices found.")
    boolean objects;

    @Option(names = "--sign-key", paramLabel = "FILE",
            description = "Private signing key (NAME.key from 'outpost fleet keygen'); needed by write and restart-adapter.")
    Path signKey;

    @Option(names = "--timeout", defaultValue = "90s", description = "How long to wait for the answer (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration wait = io.outpost.core.config.Durations.parse(timeout)
                .orElseThrow(() -> new IllegalArgumentException("'" + timeout + "' is not a duration such as 30s"));
        String id = "cli-" + UUID.randomUUID();
        byte[] request = request(id);
        if (signKey != null) {
            request = sign(request, Ed25519Keys.readPrivate(signKey),
                    signKey.getFileName().toString().replaceFirst("\\.key$", ""), Clock.systemUTC());
        }
        try (FleetClient client = new FleetClient(connection.settings(), connection.prefix)) {
            long deadline = System.nanoTime() + wait.toNanos();
            client.awaitInventory(wait, Duration.ofMillis(200));
            while (!client.births().containsKey(gateway)) {
                if (System.nanoTime() - deadline > 0) {
                    err.printf("gateway %s sent no birth: unknown under prefix %s%n", gateway, connection.prefix);
                    return FleetCommand.FAILURE;
                }
                Thread.sleep(50);
            }
            if (!client.births().get(gateway).online()) {
                err.printf("gateway %s is offline (its last birth says so); sending anyway%n", gateway);
            }
            Map<String, Object> answer;
            try {
                answer = client.command(gateway, id, request)
                        .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                err.printf("no answer from %s within %s%n", gateway, timeout);
                return FleetCommand.FAILURE;
            }
            out.println(JsonTree.toJson(answer));
            return Boolean.TRUE.equals(answer.get("ok")) ? FleetCommand.OK : FleetCommand.FAILURE;
        }
    }

    /** The request object from the options. */
    byte[] request(String id) throws CommandRejectedException {
        Object parsedValue = value == null ? null : CommandPayload.parse(value.getBytes(StandardCharsets.UTF_8)).value();
        return FleetJson.object(g -> {
            g.writeStringField("id", id);
            g.writeStringField("command", command);
            writeIf(g, "device", device);
            writeIf(g, "point", point);
            if (value != null) {
                g.writeFieldName("value");
                JsonTree.write(g, parsedValue);
            }
            if (relinquish) {
                g.writeBooleanField("relinquish", true);
            }
            writeIf(g, "address", address);
            writeIf(g, "host", host);
            writeNumber(g, "lines", lines);
            writeNumber(g, "count", count);
            writeNumber(g, "unit", unit);
            writeNumber(g, "port", port);
            writeNumber(g, "timeout", deviceTimeout);
            writeIf(g, "start", start);
            writeNumber(g, "depth", depth);
            writeNumber(g, "low", low);
            writeNumber(g, "high", high);
            writeNumber(g, "listen", listen);
            if (objects) {
                g.writeBooleanField("objects", true);
            }
            if (expect != null) {
                g.writeNumberField("expect", expect);
            }
        });
    }

    /**
     * Wraps a request in a command envelope signed now: its version is the signing time in milliseconds, which the
     * gateway takes once and only within its {@code fleet.commands.max-age}.
     */
    static byte[] sign(byte[] request, PrivateKey key, String keyId, String gateway, Clock clock) throws Exception {
        SignedEnvelope unsigned = new SignedEnvelope(SignedEnvelope.COMMAND, gateway, clock.millis(), keyId, request,
                new byte[0]);
        return new SignedEnvelope(SignedEnvelope.COMMAND, gateway, unsigned.version(), keyId, request,
                Ed25519Keys.sign(key, unsigned.signedBytes())).toJson();
    }

    private byte[] sign(byte[] request, PrivateKey key, String keyId, Clock clock) throws Exception {
        return sign(request, key, keyId, gateway, clock);
    }

    private static void writeIf(com.fasterxml.jackson.core.JsonGenerator g, String name, String v) throws java.io.IOException {
        if (v != null) {
            g.writeStringField(name, v);
        }
    }

    private static void writeNumber(com.fasterxml.jackson.core.JsonGenerator g, String name, Integer v) throws java.io.IOException {
        if (v != null) {
            g.writeNumberField(name, v);
        }
    }
}
