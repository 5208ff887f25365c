package io.outpost.core.message;

import java.util.List;

/**
 * The MQTT 5 properties a message carries from its publisher to its subscribers (3.3.2.3); absent ones are null
 * (false for the payload format). Immutable; arrays are not copied.
 *
 * @param messageExpirySeconds message expiry interval as published, or null for none
 * @param payloadFormatUtf8    payload format indicator 1: the payload is UTF-8 text
 */
public record MessageProperties(List<UserProperty> userProperties, Long messageExpirySeconds, String contentType,
                                String responseTopic, byte[] correlationData, boolean payloadFormatUtf8) {

    /** No properties at all. */
    public static final MessageProperties NONE = new MessageProperties(List.of(), null, null, null, null, false);

    public MessageProperties {
        userProperties = userProperties == null ? List.of() : List.copyOf(userProperties);
    }

    /** The properties of JSON payloads, shared by every point that publishes JSON. */
    public static final MessageProperties JSON = new MessageProperties(List.of(), null, "application/json", null, null,
            true);

    /** Only a content type (and the UTF-8 indicator when the type is text): what a point payload format carries. */
    public static MessageProperties ofContentType(String contentType, boolean utf8) {
        if (utf8 && JSON.contentType().equals(contentType)) {
            // One instance for the usual case: a point's header holds it, and there may be 100,000 points.
            return JSON;
        }
        return new MessageProperties(List.of(), null, contentType, null, null, utf8);
    }

    /** True for content types whose payload is UTF-8 text ({@code text/*}, JSON). */
    public static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String t = contentType.toLowerCase(java.util.Locale.ROOT);
        return t.startsWith("text/") || t.startsWith("application/json");
    }
}
