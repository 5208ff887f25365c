package io.outpost.adapter.opcua.security;

import io.outpost.adapter.opcua.config.TrustMode;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import io.outpost.adapter.opcua.data.StatusNames;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.DefaultClientCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether one device's server certificate is trusted. With {@code trust-server: pki} a certificate that does
 * not chain to {@code trusted/} is refused, kept in {@code rejected/}, and ONE log line (per certificate, not per
 * retry) tells the user which file to move where. With {@code auto-accept} every certificate is accepted, and that is
 * logged once per certificate as a warning. Called by Milo on its network threads while a secure channel opens, so it
 * works from the trust list's snapshot; writing the refused file and re-reading the folders go to the IO executor.
 */
public final class ServerCertificateCheck implements CertificateValidator {

    private static final Logger LOG = LoggerFactory.getLogger(ServerCertificateCheck.class);

    private final String device;
    private final String endpoint;
    private final TrustMode trust;
    private final OpcUaPki pki;
    private final CertificateValidator pkix;
    private final Executor io;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    ServerCertificateCheck(String device, String endpoint, TrustMode trust, OpcUaPki pki, Executor io) {
        this.device = device;
        this.endpoint = endpoint;
        this.trust = trust;
        this.pki = pki;
        this.io = io;
        // Refused chains are kept in rejected/ by this class (off the network thread), not by Milo's validator.
        this.pkix = new DefaultClientCertificateValidator(pki.trustList(), new MemoryCertificateQuarantine());
    }

    /** Re-reads the trust list; before a connection attempt, on an IO thread. */
    public void refreshTrustList() {
        pki.trustList().refresh();
    }

    @Override
    public void validateCertificateChain(List<X509Certificate> chain, String applicationUri, String[] validHostNames)
            throws UaException {
        X509Certificate leaf = chain.get(0);
        String thumbprint = CertificateFiles.thumbprint(leaf);
        if (trust == TrustMode.AUTO_ACCEPT) {
            if (reported.add(thumbprint)) {
                LOG.warn("device {}: accepting the server certificate of {} ({}, SHA-1 {}) without checking it "
                        + "(trust-server: auto-accept; use pki outside the lab)", device, endpoint,
                        leaf.getSubjectX500Principal().getName(), thumbprint);
            }
            return;
        }
        try {
            pkix.validateCertificateChain(chain, applicationUri, validHostNames);
            reported.remove(thumbprint);
        } catch (UaException e) {
            boolean untrusted = isUntrusted(e.getStatusCode().value());
            io.execute(() -> {
                if (untrusted) {
                    pki.rejected().addRejectedCertificate(leaf);
                }
                pki.trustList().refresh();
            });
            if (reported.add(thumbprint)) {
                if (untrusted) {
                    LOG.error("device {}: the server certificate of {} ({}) is not trusted; to trust it, move {} to {} "
                            + "(the gateway retries by itself)", device, endpoint,
                            leaf.getSubjectX500Principal().getName(), pki.rejected().fileOf(leaf), pki.trustedDir());
                } else {
                    LOG.error("device {}: the server certificate of {} ({}) is refused: {}", device, endpoint,
                            leaf.getSubjectX500Principal().getName(), StatusNames.of(e.getStatusCode()));
                }
            }
            if (untrusted) {
                // Whatever PKIX said (with an empty trusted/ folder: "trustAnchors parameter must be non-empty"),
                // the operator needs to know which file to move.
                throw new UntrustedServerCertificateException(e.getStatusCode().value(), pki.rejected().fileOf(leaf));
            }
            throw e;
        }
    }

    private static boolean isUntrusted(long status) {
        return status == StatusCodes.Bad_SecurityChecksFailed || status == StatusCodes.Bad_CertificateUntrusted
                || status == StatusCodes.Bad_CertificateChainIncomplete;
    }
}
