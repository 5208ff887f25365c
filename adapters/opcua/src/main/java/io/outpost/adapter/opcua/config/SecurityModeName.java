package io.outpost.adapter.opcua.config;

import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;

/** Message security modes as written in YAML ({@code none}, {@code sign}, {@code sign-and-encrypt}). */
public enum SecurityModeName {
    NONE(MessageSecurityMode.None),
    SIGN(MessageSecurityMode.Sign),
    SIGN_AND_ENCRYPT(MessageSecurityMode.SignAndEncrypt);

    private final MessageSecurityMode mode;

    SecurityModeName(MessageSecurityMode mode) {
        this.mode = mode;
    }

    public MessageSecurityMode mode() {
        return mode;
    }

    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
