package io.outpost.adapter.bacnet.stack;

import com.serotonin.bacnet4j.RemoteDevice;
import com.serotonin.bacnet4j.type.Encodable;
import com.serotonin.bacnet4j.type.constructed.ServicesSupported;
import com.serotonin.bacnet4j.type.enumerated.PropertyIdentifier;
import com.serotonin.bacnet4j.type.enumerated.Segmentation;
import com.serotonin.bacnet4j.type.primitive.UnsignedInteger;
import java.util.HashMap;
import java.util.Map;

/**
 * A remote device as we know it: address, what it accepts (max APDU, segmentation, services) and what we learned
 * by talking to it (it rejected ReadPropertyMultiple, it aborted large requests, how big its values are).
 *
 * <p>Confined to the owning device's IO thread.
 */
public final class BacnetPeer {

    /** Segments per message we plan for when the device does not say how many it accepts. */
    static final int DEFAULT_SEGMENTS = 8;
    private static final int MAX_PLANNED_SEGMENTS = 32;

    private final RemoteDevice remote;
    private final int maxApdu;
    private final boolean segmentedTransmit;
    private final boolean segmentedReceive;
    private final int maxSegments;
    private final ServicesSupported services;
    private final String name;
    private final Encodable restartTime;
    private boolean rpm;
    private int maxReferences = Integer.MAX_VALUE;
    private final Map<PropertyRef, Integer> valueSizes = new HashMap<>();

    BacnetPeer(RemoteDevice remote, int maxApdu, Segmentation segmentation, int maxSegments, ServicesSupported services,
               String name, Encodable restartTime) {
        this.remote = remote;
        this.maxApdu = maxApdu;
        this.segmentedTransmit = segmentation.hasTransmitSegmentation();
        this.segmentedReceive = segmentation.hasReceiveSegmentation();
        this.maxSegments = maxSegments;
        this.services = services;
        this.name = name;
        this.restartTime = restartTime;
        this.rpm = services.isReadPropertyMultiple();
        remote.setDeviceProperty(PropertyIdentifier.maxApduLengthAccepted, new UnsignedInteger(maxApdu));
        remote.setDeviceProperty(PropertyIdentifier.segmentationSupported, segmentation);
        remote.setDeviceProperty(PropertyIdentifier.protocolServicesSupported, services);
    }

    public RemoteDevice remote() {
        return remote;
    }

    public int instance() {
        return remote.getInstanceNumber();
    }

    public String name() {
        return name;
    }

    public int maxApdu() {
        return maxApdu;
    }

    public boolean segmentedTransmit() {
        return segmentedTransmit;
    }

    public boolean segmentedReceive() {
        return segmentedReceive;
    }

    public ServicesSupported services() {
        return services;
    }

    /** The device's time-of-device-restart when we connected, or null when it does not have one. */
    public Encodable restartTime() {
        return restartTime;
    }

    public boolean readPropertyMultiple() {
        return rpm;
    }

    /** The device refused ReadPropertyMultiple although it claims it: read one property at a time from now on. */
    public void disableReadPropertyMultiple() {
        rpm = false;
    }

    /** Largest response a single ReadPropertyMultiple may ask for, in bytes of service data. */
    public int responseBudget() {
        return segmentedTransmit ? segmented(5) : maxApdu - 3;
    }

    /** Largest request, in bytes of service data: several segments when the device takes segmented requests. */
    public int requestBudget() {
        return segmentedReceive ? segmented(6) : maxApdu - 4;
    }

    /** Bytes of service data in a segmented message of as many segments as we plan for. */
    private int segmented(int headerBytes) {
        int segments = maxSegments > 0 ? Math.min(maxSegments, MAX_PLANNED_SEGMENTS) : DEFAULT_SEGMENTS;
        return (maxApdu - headerBytes) * segments;
    }

    public int maxReferences() {
        return maxReferences;
    }

    /** The device could not take a request with {@code references} references: plan at most half as many. */
    public void limitReferences(int references) {
        maxReferences = Math.max(1, Math.min(maxReferences, references / 2));
    }

    /** The encoded size of a property's value the last time it was read, or -1. */
    public int valueSize(PropertyRef ref) {
        return valueSizes.getOrDefault(ref, -1);
    }

    public void learnValueSize(PropertyRef ref, int bytes) {
        valueSizes.put(ref, bytes);
    }

    @Override
    public String toString() {
        return "device " + instance() + " '" + name + "' at " + remote.getAddress().getDescription()
                + " (max APDU " + maxApdu + ", segmentation " + (segmentedTransmit ? "transmit " : "")
                + (segmentedReceive ? "receive" : "") + (segmentedTransmit || segmentedReceive ? "" : "none")
                + ", " + (rpm ? "ReadPropertyMultiple" : "ReadProperty only") + ")";
    }
}
