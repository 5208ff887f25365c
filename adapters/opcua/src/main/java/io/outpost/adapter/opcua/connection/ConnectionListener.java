package io.outpost.adapter.opcua.connection;

import org.eclipse.milo.opcua.sdk.client.OpcUaClient;

/** What the adapter learns from its connection. Called on Milo's threads; must not block. */
public interface ConnectionListener {

    /** A session is active (first connect, reconnect, or a new session after the server restarted). */
    void sessionActive(OpcUaClient client);

    /** The session is gone for now; the connection is working on getting one back. */
    void sessionLost(String reason);
}
