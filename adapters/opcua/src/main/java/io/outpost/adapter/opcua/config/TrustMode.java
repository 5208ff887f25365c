package io.outpost.adapter.opcua.config;

/**
 * How the gateway decides to trust a server's certificate. {@code PKI}: only certificates (or their CA) in the
 * {@code trusted/} folder. {@code AUTO_ACCEPT}: any certificate, for a lab bench only.
 */
public enum TrustMode {
    PKI,
    AUTO_ACCEPT
}
