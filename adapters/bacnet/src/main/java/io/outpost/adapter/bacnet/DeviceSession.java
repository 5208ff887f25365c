package io.outpost.adapter.bacnet;

import com.serotonin.bacnet4j.type.Encodable;
import io.outpost.adapter.bacnet.config.BacnetDeviceSettings;
import io.outpost.adapter.bacnet.stack.BacnetPeer;
import io.outpost.adapter.bacnet.stack.BacnetRequestException;
import io.outpost.adapter.bacnet.stack.BacnetStack;
import io.outpost.adapter.bacnet.stack.PeerConnector;
import io.outpost.core.spi.DeviceException;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to one remote device: found and sized on first use, forgotten when it stops answering (so that
 * a device found with Who-Is is looked for again, in case it moved) and checked for restarts.
 *
 * <p>Confined to the device's IO thread; every method may block.
 */
final class DeviceSession {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceSession.class);

    /** What a check found. */
    enum Health { SAME, RESTARTED, RECONNECTED }

    private final String deviceId;
    private final BacnetDeviceSettings settings;
    private final BacnetStack stack;
    private final PeerConnector connector;
    private BacnetPeer peer;
    private boolean lostSinceConnect;

    DeviceSession(String deviceId, BacnetDeviceSettings settings, BacnetStack stack, PeerConnector connector) {
        this.deviceId = deviceId;
        this.settings = settings;
        this.stack = stack;
        this.connector = connector;
    }

    /** The connected device, connecting now if needed. */
    BacnetPeer peer() throws DeviceException {
        if (peer == null) {
            peer = settings.hasStaticAddress()
                    ? connector.connect(settings.deviceInstance(), settings.address(), settings.port())
                    : connector.locate(settings.deviceInstance(), stack.config().requestDeadline());
            LOG.info("device {}: connected to {}", deviceId, peer);
        }
        return peer;
    }

    /** The device while connected and not lost since. */
    Optional<BacnetPeer> peerIfConnected() {
        return Optional.ofNullable(peer);
    }

    /** The device did not answer: connect afresh next time. */
    void lost(DeviceException cause) {
        if (peer != null) {
            LOG.warn("device {}: lost {} ({})", deviceId, settings.describe(), cause.getMessage());
        }
        peer = null;
        lostSinceConnect = true;
    }

    /** Treats an exception from a request: forgets the connection when the device did not answer. */
    void failed(DeviceException e) {
        if (!(e instanceof BacnetRequestException bre) || !bre.deviceAnswered()) {
            lost(e);
        }
    }

    /**
     * Checks that the device answers and whether it restarted since we connected (its time-of-device-restart
     * changed). Fails, and forgets the connection, when it does not answer.
     */
    Health check() throws DeviceException {
        boolean reconnected = peer == null;
        BacnetPeer current = peer();
        if (reconnected) {
            boolean wasLost = lostSinceConnect;
            lostSinceConnect = false;
            return wasLost ? Health.RECONNECTED : Health.SAME;
        }
        Encodable restart;
        try {
            restart = connector.restartTime(current);
        } catch (DeviceException e) {
            failed(e);
            throw e;
        }
        if (restart != null && current.restartTime() != null && !Objects.equals(restart, current.restartTime())) {
            LOG.info("device {}: {} restarted (time-of-device-restart {} -> {})", deviceId, settings.describe(),
                    current.restartTime(), restart);
            peer = null;
            peer();
            return Health.RESTARTED;
        }
        return Health.SAME;
    }
}
