package io.outpost.adapter.opcua.security;

import java.nio.file.Path;
import org.eclipse.milo.opcua.stack.core.UaException;

/**
 * A server certificate refused because nothing in {@code trusted/} vouches for it. Carries the file the operator
 * moves to trust it, so that the device status says what to do instead of a PKIX message such as "the
 * trustAnchors parameter must be non-empty".
 */
public final class UntrustedServerCertificateException extends UaException {

    public static final String REASON_PREFIX = "server certificate not trusted: ";
    private static final long serialVersionUID = 1L;

    private final String reason;

    UntrustedServerCertificateException(long statusCode, Path rejectedFile) {
        super(statusCode, REASON_PREFIX + rejectedFile);
        this.reason = REASON_PREFIX + rejectedFile;
    }

    /** The device status reason: {@code server certificate not trusted: <file in rejected/>}. */
    public String reason() {
        return reason;
    }
}
