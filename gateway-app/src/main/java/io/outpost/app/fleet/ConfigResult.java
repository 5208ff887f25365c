package io.outpost.app.fleet;

import java.time.Instant;
import java.util.List;

/**
 * One step of a remote configuration attempt, as published on {@code <prefix>config/result}:
 * {@code {"gateway":"north-07","version":43,"hash":"...","status":"rolled-back","reason":"devices-offline",
 * "detail":"plc stayed offline","errors":[],"at":"..."}}.
 *
 * @param status {@code accepted}, {@code rejected}, {@code applied}, {@code healthy} or {@code rolled-back}
 * @param reason why, for rejected and rolled-back (a code: {@code unsigned}, {@code bad-signature},
 *               {@code untrusted-key}, {@code replay}, {@code invalid}, {@code malformed}, {@code wrong-gateway},
 *               {@code busy}, {@code devices-offline}, {@code uplink-lost}, {@code apply-failed}, {@code crashed})
 * @param errors the validate errors of an invalid configuration
 */
record ConfigResult(String gateway, long version, String hash, String status, String reason, String detail,
                    List<String> errors, Instant at) {

    ConfigResult {
        errors = List.copyOf(errors);
    }

    byte[] toJson() {
        return FleetJson.object(g -> {
            g.writeStringField("gateway", gateway);
            g.writeNumberField("version", version);
            g.writeStringField("hash", hash == null ? "" : hash);
            g.writeStringField("status", status);
            if (reason != null) {
                g.writeStringField("reason", reason);
            }
            if (detail != null) {
                g.writeStringField("detail", detail);
            }
            g.writeArrayFieldStart("errors");
            for (String e : errors) {
                g.writeString(e);
            }
            g.writeEndArray();
            g.writeStringField("at", at.toString());
        });
    }
}
