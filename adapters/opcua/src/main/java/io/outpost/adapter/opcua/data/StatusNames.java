package io.outpost.adapter.opcua.data;

import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;

/** The symbolic name of an OPC UA status code ({@code Bad_NodeIdUnknown}), used as quality and error reason. */
public final class StatusNames {

    private StatusNames() {
    }

    public static String of(StatusCode status) {
        return of(status.value());
    }

    /** The name of the code's top 16 bits (the info bits do not change its meaning); hex when unknown. */
    public static String of(long code) {
        long base = code & 0xFFFF_0000L;
        return StatusCodes.lookup(base).map(names -> names[0])
                .orElseGet(() -> (base >= 0x8000_0000L ? "Bad_" : base >= 0x4000_0000L ? "Uncertain_" : "Good_")
                        + String.format("0x%08X", base));
    }
}
