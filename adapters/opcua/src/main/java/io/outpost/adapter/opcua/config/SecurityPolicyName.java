package io.outpost.adapter.opcua.config;

import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;

/** The security policies the gateway offers, as written in YAML ({@code basic256sha256}, ...). */
public enum SecurityPolicyName {
    NONE(SecurityPolicy.None),
    BASIC256SHA256(SecurityPolicy.Basic256Sha256),
    AES128_SHA256_RSAOAEP(SecurityPolicy.Aes128_Sha256_RsaOaep),
    AES256_SHA256_RSAPSS(SecurityPolicy.Aes256_Sha256_RsaPss);

    private final SecurityPolicy policy;

    SecurityPolicyName(SecurityPolicy policy) {
        this.policy = policy;
    }

    public SecurityPolicy policy() {
        return policy;
    }

    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
