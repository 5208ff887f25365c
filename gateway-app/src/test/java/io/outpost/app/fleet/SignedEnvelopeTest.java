package io.outpost.app.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignedEnvelopeTest {

    @TempDir
    Path dir;

    private SignedEnvelope sign(KeyPair key, String type, String gateway, long version, String payload) throws Exception {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        SignedEnvelope e = new SignedEnvelope(type, gateway, version, "ops", bytes, new byte[0]);
        return new SignedEnvelope(type, gateway, version, "ops", bytes, Ed25519Keys.sign(key.getPrivate(), e.signedBytes()));
    }

    private TrustedKeys trusted() throws Exception {
        Files.createDirectories(dir.resolve("trusted"));
        Files.copy(dir.resolve("keys/ops.pub"), dir.resolve("trusted/ops.pub"));
        return new TrustedKeys(dir.resolve("trusted"));
    }

    @Test
    void anEnvelope_survivesItsJson_andItsSignatureVerifies() throws Exception {
        KeyPair key = Ed25519Keys.generate(dir.resolve("keys"), "ops");
        SignedEnvelope e = sign(key, SignedEnvelope.CONFIG, "north-7", 42, "gateway: {id: north-7}\n");

        SignedEnvelope read = SignedEnvelope.parse(e.toJson(), SignedEnvelope.CONFIG);

        assertThat(read.gateway()).isEqualTo("north-7");
        assertThat(read.version()).isEqualTo(42);
        assertThat(read.payload()).isEqualTo(e.payload());
        trusted().verify(read.keyId(), read.signedBytes(), read.signature());
    }

    @Test
    void changingTheGatewayVersionPayloadOrType_breaksTheSignature() throws Exception {
        KeyPair key = Ed25519Keys.generate(dir.resolve("keys"), "ops");
        TrustedKeys trusted = trusted();
        SignedEnvelope e = sign(key, SignedEnvelope.CONFIG, "north-7", 42, "a: 1\n");

        for (SignedEnvelope forged : new SignedEnvelope[] {
            new SignedEnvelope(e.type(), "north-8", 42, "ops", e.payload(), e.signature()),
            new SignedEnvelope(e.type(), "north-7", 43, "ops", e.payload(), e.signature()),
            new SignedEnvelope(e.type(), "north-7", 42, "ops", "a: 2\n".getBytes(StandardCharsets.UTF_8), e.signature()),
            new SignedEnvelope(SignedEnvelope.COMMAND, "north-7", 42, "ops", e.payload(), e.signature())}) {
            assertThatThrownBy(() -> trusted.verify(forged.keyId(), forged.signedBytes(), forged.signature()))
                    .isInstanceOfSatisfying(SignedEnvelope.EnvelopeException.class,
                            x -> assertThat(x.code()).isEqualTo("bad-signature"));
        }
    }

    @Test
    void aKeyIdThatIsAPath_isNotLookedUp() throws Exception {
        Ed25519Keys.generate(dir.resolve("keys"), "ops");
        TrustedKeys trusted = trusted();

        assertThatThrownBy(() -> trusted.verify("../keys/ops", new byte[1], new byte[64]))
                .isInstanceOfSatisfying(SignedEnvelope.EnvelopeException.class,
                        x -> assertThat(x.code()).isEqualTo("untrusted-key"));
    }

    @Test
    void aHashThatDoesNotMatchThePayload_orAnotherType_isMalformed() throws Exception {
        String json = "{\"type\":\"outpost-config\",\"gateway\":\"g\",\"version\":1,\"sha256\":\"00\",\"payload\":\""
                + Base64.getEncoder().encodeToString("x".getBytes(StandardCharsets.UTF_8)) + "\"}";

        assertThatThrownBy(() -> SignedEnvelope.parse(json.getBytes(StandardCharsets.UTF_8), SignedEnvelope.CONFIG))
                .hasMessageContaining("sha256");
        assertThatThrownBy(() -> SignedEnvelope.parse(json.replace(",\"sha256\":\"00\"", "")
                .getBytes(StandardCharsets.UTF_8), SignedEnvelope.COMMAND)).hasMessageContaining("type must be");
    }

    @Test
    void aPublicKeyWrittenByOpenssl_verifiesAndKeygenRefusesToOverwrite() throws Exception {
        Path openssl = Path.of("src/test/resources/io/outpost/app/fleet/trusted-keys/ops.pub");
        assertThat(Ed25519Keys.readPublic(openssl).getAlgorithm()).isIn("EdDSA", "Ed25519");
        Ed25519Keys.generate(dir, "k");
        assertThatThrownBy(() -> Ed25519Keys.generate(dir, "k")).hasMessageContaining("not overwritten");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("k.key")))).isEqualTo("rw-------");
    }
}
