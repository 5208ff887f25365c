package io.outpost.app.fleet;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A signed message from the cloud (docs/fleet.md, "The signed envelope"): a configuration pushed to one gateway, or
 * a command that changes something. It carries the payload bytes, the gateway it is for, a version that must be
 * higher than any the gateway saw for its type (an old signed message cannot be played again), and an Ed25519
 * signature by a trusted key over {@link #signedBytes()}. Immutable.
 *
 * @param type      {@value #CONFIG} or {@value #COMMAND}: part of what is signed, so one cannot pass for the other
 * @param gateway   the gateway id the message is for (a signature for one gateway is no good for another)
 * @param version   monotonically increasing per gateway and type
 * @param keyId     the name of the signing key ({@code <key-id>.pub} in the trusted keys folder)
 * @param payload   the configuration file's bytes, or the command request's JSON
 * @param signature Ed25519 signature, or empty when unsigned
 */
public record SignedEnvelope(String type, String gateway, long version, String keyId, byte[] payload, byte[] signature) {

    public static final String CONFIG = "outpost-config";
    public static final String COMMAND = "outpost-command";
    /** Larger envelopes are refused before parsing (the control link takes at most 1 MiB anyway). */
    public static final int MAX_BYTES = 1 << 20;
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(4).maxStringLength(MAX_BYTES).build())
            .build();

    public SignedEnvelope {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(signature, "signature");
    }

    /** The bytes the signature covers: type, gateway, version and the payload's SHA-256, one per line. */
    public byte[] signedBytes() {
        return signedBytes(type, gateway, version, sha256(payload));
    }

    static byte[] signedBytes(String type, String gateway, long version, String sha256) {
        return (type + "/v1\n" + gateway + "\n" + version + "\n" + sha256 + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** SHA-256 of the payload, hex. */
    public String payloadHash() {
        return sha256(payload);
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length * 4 / 3 + 256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", type);
            g.writeStringField("gateway", gateway);
            g.writeNumberField("version", version);
            g.writeStringField("sha256", payloadHash());
            g.writeStringField("key", keyId);
            g.writeStringField("payload", Base64.getEncoder().encodeToString(payload));
            g.writeStringField("signature", Base64.getEncoder().encodeToString(signature));
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /**
     * Reads an envelope of {@code expectedType} from untrusted bytes.
     *
     * @throws EnvelopeException naming what is wrong (not JSON, a field missing or of the wrong kind, a hash that
     *                           does not match the configuration)
     */
    public static SignedEnvelope parse(byte[] json, String expectedType) throws EnvelopeException {
        if (json.length > MAX_BYTES) {
            throw new EnvelopeException("malformed", "the envelope has " + json.length + " bytes, at most " + MAX_BYTES);
        }
        String type = null;
        String gateway = null;
        Long version = null;
        String hash = null;
        String key = "";
        String payload = null;
        String signature = "";
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new EnvelopeException("malformed", "the envelope is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "type" -> type = text(p, t, field);
                    case "gateway" -> gateway = text(p, t, field);
                    case "version" -> {
                        if (t != JsonToken.VALUE_NUMBER_INT) {
                            throw new EnvelopeException("malformed", "version must be a whole number");
                        }
                        version = p.getLongValue();
                    }
                    case "sha256" -> hash = text(p, t, field);
                    case "key" -> key = text(p, t, field);
                    case "payload" -> payload = text(p, t, field);
                    case "signature" -> signature = text(p, t, field);
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new EnvelopeException("malformed", "the envelope is not valid JSON: " + e.getMessage());
        }
        if (!expectedType.equals(type)) {
            throw new EnvelopeException("malformed", "type must be \"" + expectedType + "\"");
        }
        if (gateway == null || version == null || payload == null) {
            throw new EnvelopeException("malformed", "gateway, version and payload are required");
        }
        byte[] payloadBytes;
        byte[] sig;
        try {
            payloadBytes = Base64.getDecoder().decode(payload);
            sig = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            throw new EnvelopeException("malformed", "payload and signature must be base64: " + e.getMessage());
        }
        SignedEnvelope envelope = new SignedEnvelope(type, gateway, version, key, payloadBytes, sig);
        if (hash != null && !hash.equalsIgnoreCase(envelope.payloadHash())) {
            throw new EnvelopeException("malformed", "sha256 does not match the payload's bytes");
        }
        return envelope;
    }

    private static String text(JsonParser p, JsonToken t, String field) throws IOException, EnvelopeException {
        if (t != JsonToken.VALUE_STRING) {
            throw new EnvelopeException("malformed", field + " must be a string");
        }
        return p.getText();
    }

    /** A rejected envelope; {@code code} is the result's reason ({@code malformed}, {@code unsigned}, ...). */
    public static final class EnvelopeException extends Exception {
        private final String code;

        public EnvelopeException(String code, String message) {
            super(message);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }
}
