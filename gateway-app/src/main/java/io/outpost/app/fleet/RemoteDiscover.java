package io.outpost.app.fleet;

import io.outpost.adapter.bacnet.config.BacnetNetworkConfig;
import io.outpost.adapter.bacnet.config.BacnetSection;
import io.outpost.adapter.bacnet.discovery.BacnetDiscovery;
import io.outpost.adapter.bacnet.discovery.DiscoveredDevice;
import io.outpost.adapter.bacnet.discovery.DiscoveredObject;
import io.outpost.adapter.bacnet.stack.BacnetStack;
import io.outpost.core.poll.SharedResources;
import io.outpost.core.spi.DeviceException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code discover}: Who-Is on the BACnet network of the configuration's {@code bacnet:} section (through its BBMD
 * when it names one), as {@code outpost discover} does, with the gateway's own BACnet stack (borrowed from the running
 * devices when they have one bound, else opened for the command and closed after it). Arguments: {@code low},
 * {@code high} (instance range), {@code listen} (seconds to collect I-Ams, default 3, at most 10), {@code objects}
 * (true: also list the objects of the first {@value #MAX_OBJECT_DEVICES} devices found, within
 * {@value #OBJECTS_SECONDS} s). Finds devices the configuration does not name, so it is refused ({@code not-allowed})
 * unless {@code fleet.commands.discovery: true}. Answers at most {@value #MAX_DEVICES} devices and what of their
 * objects fits ({@code "truncated":true} else). Read-only.
 */
final class RemoteDiscover implements RemoteCommand {

    static final int MAX_DEVICES = 200;
    static final int MAX_OBJECT_DEVICES = 10;
    static final int OBJECTS_SECONDS = 30;
    private static final int BUDGET = RemoteCommands.MAX_RESPONSE_BYTES - 2048;

    private final FleetHost host;
    private final Supplier<FleetConfig> fleet;

    RemoteDiscover(FleetHost host, Supplier<FleetConfig> fleet) {
        this.host = host;
        this.fleet = fleet;
    }

    @Override
    public String name() {
        return "discover";
    }

    @Override
    public boolean signed() {
        return false;
    }

    @Override
    public FleetJson.Body run(CommandRequest request) throws CommandFailure {
        if (!fleet.get().discovery()) {
            throw new CommandFailure("not-allowed", "discover finds devices the configuration does not name; it needs "
                    + "fleet.commands.discovery: true");
        }
        BacnetNetworkConfig network = host.config().section(BacnetSection.KEY, BacnetNetworkConfig.class)
                .orElseThrow(() -> new CommandFailure("not-configured", "the configuration has no bacnet: section"));
        boolean hasLow = request.has("low");
        Integer low = hasLow ? request.integer("low", 0, 0, 4_194_303) : null;
        Integer high = request.has("high") ? request.integer("high", 4_194_303, 0, 4_194_303) : null;
        if ((low == null) != (high == null) || low != null && low > high) {
            throw new CommandFailure("malformed", "give both low and high (low <= high), or neither");
        }
        Duration listen = Duration.ofSeconds(request.integer("listen", 3, 1, 10));
        boolean withObjects = Boolean.TRUE.equals(request.value("objects"));
        SharedResources shared = host.shared();
        BacnetStack stack;
        try {
            stack = shared.acquire(BacnetStack.SHARED_KEY, BacnetStack.class, () -> new BacnetStack(network));
        } catch (RuntimeException e) {
            throw new CommandFailure("failed", "the BACnet stack cannot start: " + e.getMessage());
        }
        List<DiscoveredDevice> found;
        Map<Integer, List<DiscoveredObject>> objects = new LinkedHashMap<>();
        Map<Integer, String> objectErrors = new LinkedHashMap<>();
        try {
            BacnetDiscovery discovery = new BacnetDiscovery(stack);
            found = discovery.whoIs(low, high, listen);
            long deadline = System.nanoTime() + Duration.ofSeconds(OBJECTS_SECONDS).toNanos();
            for (DiscoveredDevice d : withObjects ? found : List.<DiscoveredDevice>of()) {
                if (objects.size() + objectErrors.size() >= MAX_OBJECT_DEVICES || System.nanoTime() - deadline > 0) {
                    break;
                }
                try {
                    objects.put(d.instance(), discovery.objects(d));
                } catch (DeviceException e) {
                    objectErrors.put(d.instance(), e.reason() + ": " + e.getMessage());
                }
            }
        } catch (DeviceException e) {
            throw new CommandFailure(e.reason(), e.getMessage());
        } finally {
            shared.release(BacnetStack.SHARED_KEY);
        }
        List<DiscoveredDevice> shown = new ArrayList<>();
        long size = 0;
        boolean truncated = found.size() > MAX_DEVICES || withObjects && objects.size() + objectErrors.size() < found.size();
        for (DiscoveredDevice d : found) {
            size += 160 + d.address().length() + objects.getOrDefault(d.instance(), List.of()).stream()
                    .mapToLong(o -> 48 + utf8(o.object().toString()) + utf8(o.name()) + utf8(o.units())
                            + utf8(o.description())).sum();
            if (shown.size() >= MAX_DEVICES || size > BUDGET) {
                truncated = true;
                break;
            }
            shown.add(d);
        }
        boolean cut = truncated;
        return g -> {
            g.writeNumberField("found", found.size());
            g.writeBooleanField("truncated", cut);
            g.writeArrayFieldStart("devices");
            for (DiscoveredDevice d : shown) {
                g.writeStartObject();
                g.writeNumberField("instance", d.instance());
                g.writeStringField("address", d.address());
                g.writeNumberField("port", d.port());
                g.writeNumberField("network", d.network());
                g.writeNumberField("vendor", d.vendorId());
                if (objectErrors.containsKey(d.instance())) {
                    g.writeStringField("objects-error", objectErrors.get(d.instance()));
                }
                if (objects.containsKey(d.instance())) {
                    g.writeArrayFieldStart("objects");
                    for (DiscoveredObject o : objects.get(d.instance())) {
                        g.writeStartObject();
                        g.writeStringField("object", o.object().toString());
                        g.writeStringField("name", o.name());
                        g.writeStringField("units", o.units());
                        g.writeStringField("description", o.description());
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        };
    }

    private static long utf8(String s) {
        return s == null ? 4 : s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 5L * s.chars()
                .filter(c -> c < 0x20 || c == '"' || c == '\\').count();
    }
}
