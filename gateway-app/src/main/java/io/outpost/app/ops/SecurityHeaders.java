package io.outpost.app.ops;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The headers every operations response carries: no MIME sniffing, no framing (clickjacking), no referrer, and a
 * Content Security Policy that lets the console run only its own inline script and style (by their SHA-256, so
 * an injected script would not run) and talk only to its own origin. HSTS when the endpoint serves HTTPS.
 */
final class SecurityHeaders {

    private SecurityHeaders() {
    }

    static Map<String, String> forConsole(String consoleHtml, boolean https) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-Content-Type-Options", "nosniff");
        h.put("X-Frame-Options", "DENY");
        h.put("Referrer-Policy", "no-referrer");
        h.put("Content-Security-Policy", "default-src 'none'; script-src " + hash(inline(consoleHtml, "script"))
                + "; style-src " + hash(inline(consoleHtml, "style")) + "; connect-src 'self'; img-src 'self' data:; "
                + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
        if (https) {
            h.put("Strict-Transport-Security", "max-age=31536000");
        }
        return Map.copyOf(h);
    }

    /** The text between {@code <tag>} and {@code </tag>}, as the browser hashes it; empty when there is none. */
    static String inline(String html, String tag) {
        int open = html.indexOf("<" + tag + ">");
        int close = html.indexOf("</" + tag + ">");
        return open < 0 || close < open ? "" : html.substring(open + tag.length() + 2, close);
    }

    private static String hash(String content) {
        if (content.isEmpty()) {
            return "'none'";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
            return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
