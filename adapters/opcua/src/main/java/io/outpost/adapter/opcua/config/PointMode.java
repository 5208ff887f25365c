package io.outpost.adapter.opcua.config;

/** How a point's values reach the gateway: a monitored item in a subscription, or the core's polling reads. */
public enum PointMode {
    SUBSCRIBE,
    POLL
}
