package io.outpost.adapter.bacnet.stack;

import com.serotonin.bacnet4j.RemoteDevice;
import com.serotonin.bacnet4j.npdu.ip.IpNetworkUtils;
import com.serotonin.bacnet4j.type.Encodable;
import com.serotonin.bacnet4j.type.constructed.Address;
import com.serotonin.bacnet4j.type.constructed.ServicesSupported;
import com.serotonin.bacnet4j.type.enumerated.ObjectType;
import com.serotonin.bacnet4j.type.enumerated.PropertyIdentifier;
import com.serotonin.bacnet4j.type.enumerated.Segmentation;
import com.serotonin.bacnet4j.type.primitive.CharacterString;
import com.serotonin.bacnet4j.type.primitive.ObjectIdentifier;
import com.serotonin.bacnet4j.type.primitive.UnsignedInteger;
import io.outpost.core.spi.DeviceException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Finds a remote device (its configured address, else the I-Am answering a Who-Is for its instance) and reads what
 * it accepts from its device object: max APDU, segmentation, services, max segments, name and time of last
 * restart. Blocking: runs on the device's IO thread.
 */
public final class PeerConnector {

    /** Reason of a device that did not answer a Who-Is. */
    public static final String NOT_FOUND = "device-not-found";

    private static final List<PropertyIdentifier> CAPABILITIES = List.of(PropertyIdentifier.maxApduLengthAccepted,
            PropertyIdentifier.segmentationSupported, PropertyIdentifier.maxSegmentsAccepted,
            PropertyIdentifier.objectName, PropertyIdentifier.timeOfDeviceRestart);

    private final BacnetStack stack;
    private final PropertyReader reader;

    public PeerConnector(BacnetStack stack, PropertyReader reader) {
        this.stack = stack;
        this.reader = reader;
    }

    /** Connects to a device at a known IP address and port. */
    public BacnetPeer connect(int instance, String host, int port) throws DeviceException {
        Address address;
        try {
            address = IpNetworkUtils.toAddress(InetAddress.getByName(host).getAddress(), port);
        } catch (UnknownHostException e) {
            throw new DeviceException("unknown-host", "cannot resolve " + host + ": " + e.getMessage(), e);
        }
        RemoteDevice remote = stack.remoteDevice(instance, address);
        // Until the device tells us, assume the smallest buffer any BACnet/IP device has; our first requests are tiny.
        remote.setDeviceProperty(PropertyIdentifier.maxApduLengthAccepted, new UnsignedInteger(206));
        remote.setDeviceProperty(PropertyIdentifier.segmentationSupported, Segmentation.noSegmentation);
        return capabilities(remote);
    }

    /** Finds a device by instance with Who-Is, waiting up to {@code wait} for its I-Am, and connects to it. */
    public BacnetPeer locate(int instance, Duration wait) throws DeviceException {
        CompletableFuture<RemoteDevice> found = new CompletableFuture<>();
        Consumer<RemoteDevice> listener = d -> {
            if (d.getInstanceNumber() == instance) {
                found.complete(d);
            }
        };
        stack.addIAmListener(listener);
        RemoteDevice announced;
        try {
            stack.whoIs(instance, instance);
            announced = found.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new DeviceException(NOT_FOUND, "no I-Am from device " + instance + " within " + wait.toMillis()
                    + " ms; check its instance number, the broadcast address or the BBMD registration", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeviceException("stopped", "interrupted while looking for device " + instance, e);
        } catch (ExecutionException e) {
            throw new DeviceException(NOT_FOUND, "looking for device " + instance + " failed: " + e.getCause(), e);
        } finally {
            stack.removeIAmListener(listener);
        }
        RemoteDevice remote = stack.remoteDevice(instance, announced.getAddress());
        remote.setDeviceProperty(PropertyIdentifier.maxApduLengthAccepted, new UnsignedInteger(announced.getMaxAPDULengthAccepted()));
        remote.setDeviceProperty(PropertyIdentifier.segmentationSupported, announced.getSegmentationSupported());
        return capabilities(remote);
    }

    private BacnetPeer capabilities(RemoteDevice remote) throws DeviceException {
        ObjectIdentifier device = new ObjectIdentifier(ObjectType.device, remote.getInstanceNumber());
        // Services first, one ReadProperty (every device has it): it says whether the rest can come in one request.
        PropertyRef servicesRef = PropertyRef.of(device, PropertyIdentifier.protocolServicesSupported);
        BacnetPeer unknown = new BacnetPeer(remote, remote.getMaxAPDULengthAccepted(), remote.getSegmentationSupported(),
                -1, new ServicesSupported(), "", null);
        PropertyResult servicesResult = reader.read(unknown, List.of(servicesRef)).get(servicesRef);
        if (!servicesResult.ok()) {
            throw servicesResult.error();
        }
        ServicesSupported services = (ServicesSupported) servicesResult.value();
        BacnetPeer probe = new BacnetPeer(remote, remote.getMaxAPDULengthAccepted(), remote.getSegmentationSupported(),
                -1, services, "", null);
        Map<PropertyRef, PropertyResult> props = reader.read(probe,
                CAPABILITIES.stream().map(p -> PropertyRef.of(device, p)).toList());
        int maxApdu = unsigned(props.get(PropertyRef.of(device, PropertyIdentifier.maxApduLengthAccepted)),
                remote.getMaxAPDULengthAccepted());
        PropertyResult seg = props.get(PropertyRef.of(device, PropertyIdentifier.segmentationSupported));
        Segmentation segmentation = seg.ok() && seg.value() instanceof Segmentation s ? s : remote.getSegmentationSupported();
        int maxSegments = unsigned(props.get(PropertyRef.of(device, PropertyIdentifier.maxSegmentsAccepted)), -1);
        PropertyResult name = props.get(PropertyRef.of(device, PropertyIdentifier.objectName));
        PropertyResult restart = props.get(PropertyRef.of(device, PropertyIdentifier.timeOfDeviceRestart));
        return new BacnetPeer(remote, Math.max(50, maxApdu), segmentation, maxSegments, services,
                name.ok() && name.value() instanceof CharacterString cs ? cs.getValue() : "",
                restart.ok() ? restart.value() : null);
    }

    /** Reads the device's time-of-device-restart: what changes when it restarted. */
    public Encodable restartTime(BacnetPeer peer) throws DeviceException {
        PropertyRef ref = PropertyRef.of(new ObjectIdentifier(ObjectType.device, peer.instance()),
                PropertyIdentifier.timeOfDeviceRestart);
        PropertyResult result = reader.read(peer, List.of(ref)).get(ref);
        return result.ok() ? result.value() : null;
    }

    private static int unsigned(PropertyResult result, int fallback) {
        return result != null && result.ok() && result.value() instanceof UnsignedInteger u ? u.intValue() : fallback;
    }
}
