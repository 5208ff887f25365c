package io.outpost.adapter.modbus.config;

/** How the gateway reaches a device. */
public enum Transport {
    /** Modbus TCP (MBAP header, transaction ids), usually port 502. */
    TCP,
    /** RTU frames (CRC, no header) over a TCP socket: serial-to-Ethernet converters in transparent mode. */
    RTU_OVER_TCP,
    /** RTU over a local serial port (RS-485/RS-232). */
    RTU
}
