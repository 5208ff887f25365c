package io.outpost.adapter.opcua.security;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Objects;

/** The gateway's application instance certificate, its key pair and the application URI the certificate names. */
public record ApplicationIdentity(KeyPair keyPair, X509Certificate certificate, String applicationUri) {

    public ApplicationIdentity {
        Objects.requireNonNull(keyPair, "keyPair");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(applicationUri, "applicationUri");
    }
}
