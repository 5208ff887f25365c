package io.outpost.bench.soak;

/** The kinds of trouble the soak makes, each run for a random time within its bounds (seconds). */
public enum Fault {
    /** The uplink goes down (connections reset, new ones refused), then up again. */
    LINK_FLAP(2, 10),
    /** The uplink swallows everything while connections stay open: the bridge must notice the stall itself. */
    LINK_STALL(8, 20),
    /** A satellite-like uplink: 300 ms each way and 16 KB/s, so a backlog builds up and drains slowly. */
    LINK_SLOW(10, 25),
    /** SIGKILL of the gateway; systemd starts it again after its RestartSec (here 1 to 5 s). */
    GATEWAY_KILL(1, 5),
    /** SIGKILL while the uplink is down, with a backlog on disk; the link comes back after the restart. */
    GATEWAY_KILL_IN_OUTAGE(5, 15),
    /** A Modbus device is power-cycled: its port refuses connections, then it answers again. */
    DEVICE_RESTART(3, 12),
    /** The cloud broker is restarted (mosquitto with persistence: sessions and queued messages survive). */
    CLOUD_RESTART(1, 6);

    final int minSeconds;
    final int maxSeconds;

    Fault(int minSeconds, int maxSeconds) {
        this.minSeconds = minSeconds;
        this.maxSeconds = maxSeconds;
    }
}
