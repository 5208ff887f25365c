package io.outpost.adapter.opcua.security;

import io.outpost.adapter.opcua.config.TrustMode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.List;
import java.util.concurrent.Executor;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's OPC UA key material under {@code <data-dir>/opcua/}: {@code own/} (the application instance
 * certificate {@code cert.der} and its key {@code key.pem}, generated on first use and kept for every later start),
 * {@code trusted/} and {@code issuers/} (the trust list), and {@code rejected/} (refused server certificates). One
 * instance serves every OPC UA device of the gateway (shared through the adapter context). Thread-safe.
 *
 * <p>A site with its own CA replaces {@code own/cert.der} and {@code own/key.pem}; the application URI is taken
 * from the certificate's subject alternative name.
 */
public final class OpcUaPki implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpcUaPki.class);
    static final Period VALIDITY = Period.ofYears(20);

    private final Path root;
    private final String gatewayId;
    private final PkiTrustList trustList;
    private final PkiRejectedFolder rejected;
    private ApplicationIdentity identity;

    public OpcUaPki(Path root, String gatewayId) {
        this.root = root;
        this.gatewayId = gatewayId;
        this.trustList = new PkiTrustList(root.resolve("trusted"), root.resolve("issuers"));
        this.rejected = new PkiRejectedFolder(root.resolve("rejected"));
        registerBouncyCastle();
    }

    /** The folder under a gateway's data directory. */
    public static Path folderOf(Path dataDir) {
        return dataDir.resolve("opcua");
    }

    /**
     * Milo names the RSA-PSS and OAEP-SHA256 algorithms of Aes256_Sha256_RsaPss and Aes128_Sha256_RsaOaep the way
     * Bouncy Castle does; the JDK's own providers do not know those names, so the provider must be registered
     * once per process. Idempotent.
     */
    public static void registerBouncyCastle() {
        synchronized (Security.class) {
            if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
                Security.addProvider(new BouncyCastleProvider());
            }
        }
    }

    /**
     * The application instance certificate, loaded from {@code own/} or generated there on first use. Blocks for
     * file IO (and up to a second for key generation): call it on an IO thread.
     */
    public synchronized ApplicationIdentity identity() throws IOException, GeneralSecurityException {
        if (identity == null) {
            identity = loadOrCreate();
        }
        return identity;
    }

    /** The check of one device's server certificates; {@code io} does its file work. */
    public ServerCertificateCheck serverCheck(String device, String endpoint, TrustMode trust, Executor io) {
        return new ServerCertificateCheck(device, endpoint, trust, this, io);
    }

    public Path trustedDir() {
        return root.resolve("trusted");
    }

    public Path rejectedDir() {
        return root.resolve("rejected");
    }

    public Path ownDir() {
        return root.resolve("own");
    }

    PkiTrustList trustList() {
        return trustList;
    }

    PkiRejectedFolder rejected() {
        return rejected;
    }

    @Override
    public void close() {
        // Nothing is held open: the folders are read on use.
    }

    private ApplicationIdentity loadOrCreate() throws IOException, GeneralSecurityException {
        for (String folder : new String[] {"own", "trusted", "issuers", "rejected"}) {
            Files.createDirectories(root.resolve(folder));
        }
        trustList.refresh();
        Path certFile = ownDir().resolve("cert.der");
        Path keyFile = ownDir().resolve("key.pem");
        if (Files.exists(certFile) && Files.exists(keyFile)) {
            List<X509Certificate> chain = CertificateFiles.readCertificates(certFile);
            PrivateKey key = CertificateFiles.readPrivateKey(keyFile);
            X509Certificate cert = chain.get(0);
            warnWhenExpiring(cert, certFile);
            String uri = CertificateUtil.getSanUri(cert).orElseThrow(() -> new GeneralSecurityException(certFile
                    + " has no application URI (a URI subject alternative name); OPC UA servers refuse such certificates"));
            return new ApplicationIdentity(new KeyPair(cert.getPublicKey(), key), cert, uri);
        }
        KeyPair keyPair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
        String uri = "urn:outpost:" + gatewayId;
        String host = hostName();
        SelfSignedCertificateBuilder builder = new SelfSignedCertificateBuilder(keyPair)
                .setCommonName("Outpost " + gatewayId)
                .setOrganization("Outpost")
                .setApplicationUri(uri)
                .setValidityPeriod(VALIDITY)
                .addDnsName(host);
        if (!host.equals("localhost")) {
            builder.addDnsName("localhost");
        }
        X509Certificate cert;
        try {
            cert = builder.build();
        } catch (Exception e) {
            throw new GeneralSecurityException("cannot create the gateway's OPC UA certificate", e);
        }
        CertificateFiles.writePrivateKey(keyFile, keyPair.getPrivate());
        CertificateFiles.writeCertificate(certFile, cert);
        LOG.info("created the gateway's OPC UA application certificate {} ({}, SHA-1 {}); servers that check "
                + "clients must trust this file", certFile, uri, CertificateFiles.thumbprint(cert));
        return new ApplicationIdentity(keyPair, cert, uri);
    }

    private static void warnWhenExpiring(X509Certificate cert, Path file) {
        Instant notAfter = cert.getNotAfter().toInstant();
        if (notAfter.isBefore(Instant.now().plus(Duration.ofDays(30)))) {
            LOG.warn("the gateway's OPC UA certificate {} expires {}; replace own/cert.der and own/key.pem, or "
                    + "delete both to have a new one created at the next start", file, notAfter);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
