package io.outpost.adapter.opcua.subscription;

import io.outpost.core.point.Sample;

/** Where a subscription's results go: the adapter context, plus the connection's sign of life. Any thread. */
public interface PointSink {

    void push(Sample sample);

    /** True: the subscription delivers the point; false: the core must poll it. */
    void setPushed(String pointId, boolean pushed);

    /** The server sent something (data or keep-alive). */
    void activity();
}
