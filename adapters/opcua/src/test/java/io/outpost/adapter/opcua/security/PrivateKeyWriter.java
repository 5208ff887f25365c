package io.outpost.adapter.opcua.security;

import java.nio.file.Path;
import java.security.KeyPairGenerator;

/** Run by {@link PrivateKeyModeIT} under strace: writes one private key to the path given. */
public final class PrivateKeyWriter {

    private PrivateKeyWriter() {
    }

    public static void main(String[] args) throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        CertificateFiles.writePrivateKey(Path.of(args[0]), rsa.generateKeyPair().getPrivate());
    }
}
