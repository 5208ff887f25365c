package io.outpost.adapter.opcua.config;

import io.outpost.core.config.Secret;
import java.nio.file.Path;
import java.util.Objects;

/** Who the gateway is to the server's session: anonymous, a user name and password, or an X.509 user certificate. */
public sealed interface UserAuth {

    /** Short name for logs and errors; never contains a secret. */
    String describe();

    record Anonymous() implements UserAuth {
        @Override
        public String describe() {
            return "anonymous";
        }
    }

    record Username(String username, Secret password) implements UserAuth {
        public Username {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String describe() {
            return "user '" + username + "'";
        }
    }

    /**
     * An X.509 user identity: a certificate (PEM or DER) and its unencrypted PKCS#8 private key (PEM or DER).
     */
    record Certificate(Path certificate, Path privateKey) implements UserAuth {
        public Certificate {
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(privateKey, "privateKey");
        }

        @Override
        public String describe() {
            return "user certificate " + certificate.getFileName();
        }
    }
}
