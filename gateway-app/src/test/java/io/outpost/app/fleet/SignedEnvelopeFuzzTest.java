package io.outpost.app.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;

/**
 * Any bytes on a gateway's config or command topic: the envelope parser refuses them with a reason code, or gives
 * an envelope whose hash is its payload's; signature checking then refuses it with a reason (no trusted key signs
 * random bytes). Nothing else may escape. Kept inputs: src/test/resources/io/outpost/app/fleet/SignedEnvelopeFuzzTestInputs/.
 */
class SignedEnvelopeFuzzTest {

    private static final TrustedKeys KEYS = new TrustedKeys(Path.of("src/test/resources/io/outpost/app/fleet/trusted-keys"));

    @FuzzTest
    void anyBytes_areRefusedWithAReason_orParsedAndThenRefusedByTheSignatureCheck(byte[] bytes) {
        for (String type : new String[] {SignedEnvelope.CONFIG, SignedEnvelope.COMMAND}) {
            SignedEnvelope e;
            try {
                e = SignedEnvelope.parse(bytes, type);
            } catch (SignedEnvelope.EnvelopeException refused) {
                assertThat(refused.code()).isNotBlank();
                continue;
            }
            assertThat(e.type()).isEqualTo(type);
            assertThat(e.payloadHash()).hasSize(64);
            try {
                KEYS.verify(e.keyId(), e.signedBytes(), e.signature());
                throw new AssertionError("random bytes passed the signature check: " + e);
            } catch (SignedEnvelope.EnvelopeException refused) {
                assertThat(refused.code()).isIn("unsigned", "untrusted-key", "bad-signature");
            }
        }
    }
}
