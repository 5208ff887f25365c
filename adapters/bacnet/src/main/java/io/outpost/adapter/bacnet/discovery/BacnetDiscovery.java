package io.outpost.adapter.bacnet.discovery;

import com.serotonin.bacnet4j.RemoteDevice;
import com.serotonin.bacnet4j.npdu.ip.IpNetworkUtils;
import com.serotonin.bacnet4j.type.constructed.Address;
import com.serotonin.bacnet4j.type.enumerated.EngineeringUnits;
import com.serotonin.bacnet4j.type.enumerated.ObjectType;
import com.serotonin.bacnet4j.type.enumerated.PropertyIdentifier;
import com.serotonin.bacnet4j.type.primitive.CharacterString;
import com.serotonin.bacnet4j.type.primitive.ObjectIdentifier;
import com.serotonin.bacnet4j.type.primitive.UnsignedInteger;
import io.outpost.adapter.bacnet.config.BacnetObjectRef;
import io.outpost.adapter.bacnet.read.Units;
import io.outpost.adapter.bacnet.stack.BacnetPeer;
import io.outpost.adapter.bacnet.stack.BacnetRequestException;
import io.outpost.adapter.bacnet.stack.BacnetStack;
import io.outpost.adapter.bacnet.stack.PeerConnector;
import io.outpost.adapter.bacnet.stack.PropertyReader;
import io.outpost.adapter.bacnet.stack.PropertyRef;
import io.outpost.adapter.bacnet.stack.PropertyResult;
import io.outpost.core.spi.DeviceException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What the {@code discover} command does: a Who-Is (optionally for a range of instances) that lists the devices
 * answering, and the objects of one device with their names and units, from which {@link BacnetPointListYaml} writes a
 * ready configuration. Blocking; the caller owns the {@link BacnetStack} (its own, or the running gateway's).
 */
public final class BacnetDiscovery {

    private final BacnetStack stack;
    private final PropertyReader reader;
    private final PeerConnector connector;

    public BacnetDiscovery(BacnetStack stack) {
        this.stack = stack;
        this.reader = new PropertyReader(stack);
        this.connector = new PeerConnector(stack, reader);
    }

    /**
     * Broadcasts a Who-Is (through the BBMD when one is configured) and collects the I-Ams that arrive within
     * {@code listen}, sorted by instance.
     *
     * @param low  lowest instance, or null for every device
     * @param high highest instance, or null for every device
     */
    public List<DiscoveredDevice> whoIs(Integer low, Integer high, Duration listen) throws DeviceException {
        if ((low == null) != (high == null) || (low != null && low > high)) {
            throw new IllegalArgumentException("give both ends of the instance range, low <= high, or neither");
        }
        Map<Integer, DiscoveredDevice> found = new ConcurrentHashMap<>();
        Consumer<RemoteDevice> listener = d -> {
            if (low == null || (d.getInstanceNumber() >= low && d.getInstanceNumber() <= high)) {
                found.putIfAbsent(d.getInstanceNumber(), describe(d));
            }
        };
        stack.addIAmListener(listener);
        try {
            stack.localDevice();
            awaitRegistration();
            stack.whoIs(low, high);
            TimeUnit.MILLISECONDS.sleep(listen.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stack.removeIAmListener(listener);
        }
        return found.values().stream().sorted(Comparator.comparingInt(DiscoveredDevice::instance)).toList();
    }

    /** The objects of a device, with names, units and descriptions; the device object itself is left out. */
    public List<DiscoveredObject> objects(DiscoveredDevice device) throws DeviceException {
        BacnetPeer peer = device.directlyReachable()
                ? connector.connect(device.instance(), device.address(), device.port())
                : connector.locate(device.instance(), stack.config().requestDeadline());
        List<ObjectIdentifier> ids = objectList(peer);
        List<PropertyRef> refs = new ArrayList<>();
        for (ObjectIdentifier id : ids) {
            refs.add(PropertyRef.of(id, PropertyIdentifier.objectName));
            refs.add(PropertyRef.of(id, PropertyIdentifier.description));
            if (hasUnits(id.getObjectType())) {
                refs.add(PropertyRef.of(id, PropertyIdentifier.units));
            }
        }
        Map<PropertyRef, PropertyResult> props = reader.read(peer, refs);
        List<DiscoveredObject> objects = new ArrayList<>();
        for (ObjectIdentifier id : ids) {
            PropertyResult units = props.get(PropertyRef.of(id, PropertyIdentifier.units));
            objects.add(new DiscoveredObject(BacnetObjectRef.of(id), text(props.get(PropertyRef.of(id, PropertyIdentifier.objectName))),
                    units != null && units.ok() && units.value() instanceof EngineeringUnits u ? Units.symbol(u) : "",
                    text(props.get(PropertyRef.of(id, PropertyIdentifier.description)))));
        }
        return objects;
    }

    /** The object-list in one read, or element by element when it is too long for the device to send at once. */
    private List<ObjectIdentifier> objectList(BacnetPeer peer) throws DeviceException {
        ObjectIdentifier deviceId = new ObjectIdentifier(ObjectType.device, peer.instance());
        PropertyRef whole = PropertyRef.of(deviceId, PropertyIdentifier.objectList);
        PropertyResult result = reader.read(peer, List.of(whole)).get(whole);
        List<ObjectIdentifier> ids = new ArrayList<>();
        if (result.ok()) {
            for (Object o : (Iterable<?>) result.value()) {
                ids.add((ObjectIdentifier) o);
            }
        } else if (result.error().tooLarge()) {
            PropertyRef count = new PropertyRef(deviceId, PropertyIdentifier.objectList.intValue(), 0);
            PropertyResult size = reader.read(peer, List.of(count)).get(count);
            if (!size.ok()) {
                throw size.error();
            }
            int n = ((UnsignedInteger) size.value()).intValue();
            List<PropertyRef> elements = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                elements.add(new PropertyRef(deviceId, PropertyIdentifier.objectList.intValue(), i));
            }
            for (PropertyResult element : reader.read(peer, elements).values()) {
                if (element.ok()) {
                    ids.add((ObjectIdentifier) element.value());
                }
            }
        } else {
            throw result.error();
        }
        ids.removeIf(id -> id.getObjectType().equals(ObjectType.device));
        return ids;
    }

    private void awaitRegistration() throws InterruptedException, BacnetRequestException {
        if (!stack.awaitBbmdRegistration(Duration.ofSeconds(10))) {
            throw new BacnetRequestException(BacnetRequestException.Kind.COMM, 0, "bbmd-unreachable",
                    "the BBMD " + stack.config().bbmd() + " did not accept our registration within 10 s", null);
        }
    }

    private static DiscoveredDevice describe(RemoteDevice d) {
        Address a = d.getAddress();
        int network = a.getNetworkNumber().intValue();
        byte[] mac = a.getMacAddress().getBytes();
        boolean ip = mac.length == 6;
        return new DiscoveredDevice(d.getInstanceNumber(), ip && network == 0 ? IpNetworkUtils.toIpString(a.getMacAddress()) : "",
                ip && network == 0 ? IpNetworkUtils.getPort(a.getMacAddress()) : 0, network, d.getMaxAPDULengthAccepted(),
                d.getSegmentationSupported() == null ? "" : d.getSegmentationSupported().toString(), d.getVendorIdentifier());
    }

    private static boolean hasUnits(ObjectType type) {
        return type.isOneOf(ObjectType.analogInput, ObjectType.analogOutput, ObjectType.analogValue, ObjectType.accumulator,
                ObjectType.averaging, ObjectType.loop, ObjectType.pulseConverter, ObjectType.largeAnalogValue,
                ObjectType.integerValue, ObjectType.positiveIntegerValue);
    }

    private static String text(PropertyResult r) {
        return r != null && r.ok() && r.value() instanceof CharacterString s ? s.getValue() : "";
    }
}
