package io.outpost.adapter.opcua.connection;

import io.outpost.adapter.opcua.config.OpcUaDeviceSettings;
import io.outpost.adapter.opcua.config.UserAuth;
import io.outpost.adapter.opcua.security.ApplicationIdentity;
import io.outpost.adapter.opcua.security.CertificateFiles;
import io.outpost.adapter.opcua.security.OpcUaPki;
import io.outpost.adapter.opcua.security.ServerCertificateCheck;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClientConfig;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.sdk.client.identity.X509IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.typetree.DataTypeManagerFactory;
import org.eclipse.milo.opcua.sdk.client.typetree.DataTypeTreeFactory;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransport;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransportConfig;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

/**
 * Builds a Milo client for one server: asks the endpoint for its endpoints (GetEndpoints), chooses the one matching
 * the configured security, and configures the gateway's certificate, the server-certificate check and the user
 * identity. The client is returned unconnected. Used by the adapter and by the browser.
 */
public final class ClientFactory {

    /** How long opening a TCP connection may take. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** The longest a single service call may take; the core's device timeout bounds reads separately. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final OpcUaDeviceSettings settings;
    private final OpcUaPki pki;
    private final String gatewayId;
    private final ServerCertificateCheck serverCheck;

    /** @param io where file work of the certificate check runs (the device's IO executor) */
    public ClientFactory(OpcUaDeviceSettings settings, OpcUaPki pki, String gatewayId, String deviceId, Executor io) {
        this.settings = settings;
        this.pki = pki;
        this.gatewayId = gatewayId;
        this.serverCheck = pki.serverCheck(deviceId, settings.endpoint(), settings.trust(), io);
    }

    /**
     * Discovers the endpoints and builds the client. Blocks for file IO (the gateway's certificate, a user
     * certificate) before going asynchronous: call it on an IO thread. Fails with
     * {@link NoMatchingEndpointException} when the server offers no suitable endpoint.
     */
    public CompletableFuture<OpcUaClient> create(Executor io) {
        ApplicationIdentity identity;
        IdentityProvider user;
        try {
            identity = pki.identity();
            serverCheck.refreshTrustList();
            user = identityProvider(settings.auth());
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
        return DiscoveryClient.getEndpoints(settings.endpoint(), this::transport)
                .thenApplyAsync(endpoints -> {
                    try {
                        return build(EndpointChoice.select(endpoints, settings), endpoints, identity, user);
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                }, io);
    }

    private OpcUaClient build(EndpointDescription endpoint, List<EndpointDescription> discovered,
                              ApplicationIdentity identity, IdentityProvider user) throws Exception {
        OpcUaClientConfig config = OpcUaClientConfig.builder()
                .setEndpoint(endpoint)
                .setDiscoveryEndpoints(discovered)
                .setApplicationName(LocalizedText.english("Outpost " + gatewayId))
                .setApplicationUri(identity.applicationUri())
                .setProductUri("urn:outpost:gateway")
                .setSessionName(() -> "outpost " + gatewayId)
                .setKeyPair(identity.keyPair())
                .setCertificate(identity.certificate())
                .setCertificateChain(new X509Certificate[] {identity.certificate()})
                .setCertificateValidator(serverCheck)
                .setIdentityProvider(user)
                .setSessionTimeout(uint(settings.sessionTimeout().toMillis()))
                .setRequestTimeout(uint(REQUEST_TIMEOUT.toMillis()))
                // Milo's own keep-alive ignores data notifications, so a busy subscription whose keep-alive read
                // waits behind them would be taken for a dead session; KeepAliveWatchdog does this job instead.
                .setKeepAliveInterval(uint(Integer.MAX_VALUE))
                .setKeepAliveFailuresAllowed(uint(Integer.MAX_VALUE))
                .build();
        OpcUaClient client = new OpcUaClient(config, new OpcTcpClientTransport(transportConfig()));
        // Structure definitions are only needed for structured values, which the point model does not carry:
        // reading the whole type tree at every (re)connect would slow recovery on large servers.
        client.setDataTypeTreeFactory(DataTypeTreeFactory.lazy());
        client.setDynamicDataTypeManagerFactory(DataTypeManagerFactory.lazy());
        return client;
    }

    private OpcTcpClientTransportConfig transportConfig() {
        var builder = OpcTcpClientTransportConfig.newBuilder();
        transport(builder);
        return builder.build();
    }

    private void transport(org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransportConfigBuilder b) {
        b.setConnectTimeout(uint(CONNECT_TIMEOUT.toMillis()));
    }

    private IdentityProvider identityProvider(UserAuth auth) throws Exception {
        if (auth instanceof UserAuth.Username u) {
            return new UsernameProvider(u.username(),
                    () -> u.password().reveal().getBytes(StandardCharsets.UTF_8), serverCheck);
        }
        if (auth instanceof UserAuth.Certificate c) {
            List<X509Certificate> chain = CertificateFiles.readCertificates(c.certificate());
            if (chain.isEmpty()) {
                throw new java.security.GeneralSecurityException(c.certificate() + " holds no certificate");
            }
            PrivateKey key = CertificateFiles.readPrivateKey(c.privateKey());
            return new X509IdentityProvider(chain, key);
        }
        return new AnonymousProvider();
    }
}
