package io.outpost.adapter.opcua.connection;

import io.outpost.adapter.opcua.data.StatusNames;
import io.outpost.adapter.opcua.security.UntrustedServerCertificateException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.eclipse.milo.opcua.stack.core.UaException;

/** A short reason token for why a connection or request failed: the OPC UA status name when there is one. */
public final class FailureReasons {

    private FailureReasons() {
    }

    public static String of(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof NoMatchingEndpointException) {
            return NoMatchingEndpointException.REASON;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UntrustedServerCertificateException u) {
                return u.reason();
            }
            if (c instanceof ConnectException) {
                return "connect-refused";
            }
            if (c instanceof UnknownHostException || c instanceof UnresolvedAddressException) {
                return "unknown-host";
            }
            if (c instanceof TimeoutException) {
                return "timeout";
            }
        }
        return UaException.extractStatusCode(t).map(StatusNames::of).orElse("comm-lost");
    }

    /** A one-line description for logs: the deepest useful message. */
    public static String describe(Throwable failure) {
        Throwable t = unwrap(failure);
        String message = t.getMessage();
        for (Throwable c = t.getCause(); c != null && (message == null || message.isBlank()); c = c.getCause()) {
            message = c.getMessage();
        }
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }

    public static Throwable unwrap(Throwable t) {
        Throwable u = t;
        while ((u instanceof CompletionException || u instanceof ExecutionException) && u.getCause() != null) {
            u = u.getCause();
        }
        return u;
    }
}
