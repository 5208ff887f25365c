package io.outpost.adapter.opcua.sim;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.CompositeValidator;
import org.eclipse.milo.opcua.sdk.server.identity.IdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.UsernameIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.X509IdentityValidator;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.stack.core.security.CertificateStore;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.DefaultApplicationGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.KeyStoreCertificateStore;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateStore;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.RsaSha256CertificateFactory;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.BuildInfo;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;

/**
 * An OPC UA server with a boiler that moves by itself, a node of every built-in type for tests, and optionally
 * thousands of changing nodes for the benchmark: the demo's device, the tests' peer and the benchmark's load. It
 * listens on 127.0.0.1 only.
 *
 * <pre>
 *   OpcUaSimulator sim = OpcUaSimulator.builder().user("operator", "secret").build().start();
 *   sim.endpointUrl();                    // opc.tcp://127.0.0.1:PORT/outpost
 *   sim.nodeId("Boiler/Temperature");     // ns=2;s=Boiler/Temperature
 *   sim.set("Test/Double", 21.5);
 * </pre>
 *
 * The current security policies (Basic256Sha256, Aes128_Sha256_RsaOaep, Aes256_Sha256_RsaPss) are offered with Sign
 * and SignAndEncrypt, and None unless turned off; client certificates are all accepted. The server's key and
 * self-signed certificate come from Milo's own PKI classes: kept in a PKCS#12 key store in {@code certificateDir}
 * when one is given, so that a restarted simulator presents the same certificate. A test that wants a client to
 * trust the server writes {@link #certificate()} where that client looks for trusted certificates. The simulator
 * uses no Outpost code, so that the adapter is tested against an independent server. Thread-safe; {@link #close()}
 * stops everything it started.
 */
public final class OpcUaSimulator implements AutoCloseable {

    private final Builder options;
    private final int port;
    private OpcUaServer server;
    private CertificateStore certificateStore;
    private SimulatorNamespace namespace;
    private ScheduledExecutorService motion;
    private X509Certificate certificate;
    private long tick;

    private OpcUaSimulator(Builder options) {
        this.options = options;
        this.port = options.port;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts the server and the moving values; returns when it accepts connections. */
    public synchronized OpcUaSimulator start() {
        // Milo names the algorithms of the RSA-PSS and OAEP-SHA256 policies as Bouncy Castle does; the JDK's
        // providers do not know them. addProvider does nothing when the provider is already there.
        Security.addProvider(new BouncyCastleProvider());
        try {
            certificateStore = certificateStore();
            CertificateValidator acceptAll = (chain, uri, hosts) -> { };
            // The group takes the key and certificate from the store, or makes them with the factory and stores them.
            var group = DefaultApplicationGroup.createAndInitialize(new MemoryTrustListManager(), certificateStore,
                    new SelfSignedIdentity(), acceptAll);
            certificate = group.getCertificateEntries().get(0).certificateChain[0];
            var quarantine = new MemoryCertificateQuarantine();
            OpcUaServerConfig config = OpcUaServerConfig.builder()
                    .setApplicationUri(APPLICATION_URI)
                    .setApplicationName(LocalizedText.english("Outpost OPC UA simulator"))
                    .setProductUri("urn:outpost:simulator:product")
                    .setBuildInfo(new BuildInfo("urn:outpost:simulator:product", "Outpost", "Outpost OPC UA simulator",
                            OpcUaServer.SDK_VERSION, "", DateTime.now()))
                    .setEndpoints(endpoints())
                    .setIdentityValidator(identities())
                    .setCertificateManager(new DefaultCertificateManager(quarantine, group))
                    .build();
            server = new OpcUaServer(config, profile -> new OpcTcpServerTransport(
                    OpcTcpServerTransportConfig.newBuilder().build()));
            namespace = new SimulatorNamespace(server, options.benchNodes);
            namespace.startup();
            server.startup().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw new IllegalStateException("the OPC UA simulator did not start on port " + port, e);
        }
        motion = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "opcua-simulator-" + port);
            t.setDaemon(true);
            return t;
        });
        long boilerMillis = options.motion.toMillis();
        if (boilerMillis > 0) {
            motion.scheduleAtFixedRate(this::moveBoiler, boilerMillis, boilerMillis, TimeUnit.MILLISECONDS);
        }
        if (options.benchNodes > 0) {
            long benchMillis = options.benchPeriod.toMillis();
            motion.scheduleAtFixedRate(this::moveBench, benchMillis, benchMillis, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    static final String APPLICATION_URI = "urn:outpost:simulator";

    public String endpointUrl() {
        return "opc.tcp://127.0.0.1:" + port + options.path;
    }

    public int port() {
        return port;
    }

    public String namespaceUri() {
        return SimulatorNamespace.URI;
    }

    public int namespaceIndex() {
        return namespace.getNamespaceIndex().intValue();
    }

    /** The node id of a simulator node in standard notation, e.g. {@code ns=2;s=Test/Double}. */
    public String nodeId(String name) {
        return namespace.node(name).getNodeId().toParseableString();
    }

    /** Every node name, e.g. {@code Boiler/Temperature}. */
    public List<String> nodeNames() {
        return namespace.names();
    }

    /** The server's application instance certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** Sets a node's value with Good status and the current time as source timestamp. */
    public void set(String name, Object value) {
        namespace.node(name).setValue(new DataValue(new Variant(value), StatusCode.GOOD, DateTime.now()));
    }

    /** Gives a node a status (e.g. {@code StatusCodes.Bad_SensorFailure}), keeping its value. */
    public void setStatus(String name, long statusCode) {
        UaVariableNode node = namespace.node(name);
        node.setValue(new DataValue(node.getValue().value(), new StatusCode(statusCode), DateTime.now()));
    }

    /** A node's current value (as the server holds it). */
    public Object get(String name) {
        return namespace.node(name).getValue().value().value();
    }

    /** How often the node's value was read (sampled by a subscription or read by a client). */
    public long valueReads(String name) {
        return namespace.valueReads(name);
    }

    /** Monitored items on the simulator's nodes, over all sessions. */
    public int monitoredItemCount() {
        return namespace.monitoredItems();
    }

    /** Sessions the server has open. */
    public int sessionCount() {
        return server.getSessionManager().getCurrentSessionCount().intValue();
    }

    @Override
    public synchronized void close() {
        if (motion != null) {
            motion.shutdownNow();
            motion = null;
        }
        try {
            stopServer();
        } finally {
            closeCertificateStore();
        }
    }

    private void stopServer() {
        if (server == null) {
            return;
        }
        try {
            server.shutdown().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("the OPC UA simulator did not stop cleanly", e);
        } finally {
            if (namespace != null) {
                namespace.shutdown();
            }
            server = null;
        }
    }

    private void closeCertificateStore() {
        if (certificateStore instanceof Closeable store) {
            try {
                store.close();
            } catch (IOException e) {
                throw new UncheckedIOException("the OPC UA simulator's key store did not close", e);
            } finally {
                certificateStore = null;
            }
        }
    }

    private void moveBoiler() {
        long t = tick++;
        double phase = t / 10.0;
        set("Boiler/Temperature", Math.round((60 + 5 * Math.sin(phase)) * 100) / 100.0);
        set("Boiler/Pressure", (float) (Math.round((2.5 + 0.2 * Math.cos(phase)) * 1000) / 1000.0));
        set("Boiler/Counter", UInteger.valueOf(t & 0xFFFF_FFFFL));
        if (t % 20 == 0) {
            boolean running = !(Boolean) get("Boiler/Running");
            set("Boiler/Running", running);
            set("Boiler/State", running ? "heating" : "idle");
        }
        Double[] trend = (Double[]) get("Boiler/Trend");
        Double[] next = new Double[trend.length];
        System.arraycopy(trend, 1, next, 0, trend.length - 1);
        next[trend.length - 1] = (Double) get("Boiler/Temperature");
        set("Boiler/Trend", next);
    }

    private void moveBench() {
        DateTime now = DateTime.now();
        long t = tick++;
        for (int i = 0; i < options.benchNodes; i++) {
            namespace.node(SimulatorNamespace.benchName(i))
                    .setValue(new DataValue(new Variant((double) (t * 100_000 + i)), StatusCode.GOOD, now));
        }
    }

    private Set<EndpointConfig> endpoints() {
        EndpointConfig.Builder base = EndpointConfig.newBuilder()
                .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
                .setBindAddress("127.0.0.1")
                .setBindPort(port)
                .setHostname("127.0.0.1")
                .setPath(options.path)
                .setCertificate(() -> certificate);
        if (options.anonymous) {
            base.addTokenPolicy(OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS);
        }
        if (!options.users.isEmpty()) {
            base.addTokenPolicy(OpcUaServerConfig.USER_TOKEN_POLICY_USERNAME);
        }
        if (options.userCertificates) {
            base.addTokenPolicy(OpcUaServerConfig.USER_TOKEN_POLICY_X509);
        }
        Set<EndpointConfig> out = new LinkedHashSet<>();
        if (options.policies.contains(SecurityPolicy.None)) {
            out.add(base.copy().setSecurityPolicy(SecurityPolicy.None).setSecurityMode(MessageSecurityMode.None).build());
        }
        for (SecurityPolicy p : options.policies) {
            if (p != SecurityPolicy.None) {
                out.add(base.copy().setSecurityPolicy(p).setSecurityMode(MessageSecurityMode.Sign).build());
                out.add(base.copy().setSecurityPolicy(p).setSecurityMode(MessageSecurityMode.SignAndEncrypt).build());
            }
        }
        return out;
    }

    private IdentityValidator identities() {
        List<IdentityValidator> validators = new ArrayList<>();
        if (options.anonymous) {
            validators.add(AnonymousIdentityValidator.INSTANCE);
        }
        if (!options.users.isEmpty()) {
            Map<String, String> users = Map.copyOf(options.users);
            validators.add(new UsernameIdentityValidator(
                    c -> c.getPassword() != null && c.getPassword().equals(users.get(c.getUsername()))));
        }
        if (options.userCertificates) {
            validators.add(new X509IdentityValidator(cert -> true));
        }
        return new CompositeValidator(validators);
    }

    /** The server's key and certificate: in memory, or in a PKCS#12 key store that outlives the simulator. */
    private CertificateStore certificateStore() throws Exception {
        Path dir = options.certificateDir;
        if (dir == null) {
            return new MemoryCertificateStore();
        }
        Files.createDirectories(dir);
        // A test peer's key on a test machine: the password guards nothing and is here because PKCS#12 wants one.
        char[] password = "outpost-simulator".toCharArray();
        return KeyStoreCertificateStore.createAndInitialize(new KeyStoreCertificateStore.Settings(
                dir.resolve("simulator.pfx"), password::clone, alias -> password.clone(), false));
    }

    /** What Milo's certificate group calls when the store holds no certificate yet: a self-signed one. */
    private static final class SelfSignedIdentity extends RsaSha256CertificateFactory {
        @Override
        protected X509Certificate[] createRsaSha256CertificateChain(KeyPair pair) throws Exception {
            return new X509Certificate[] {new SelfSignedCertificateBuilder(pair)
                    .setCommonName("Outpost OPC UA simulator")
                    .setOrganization("Outpost")
                    .setApplicationUri(APPLICATION_URI)
                    .addDnsName("localhost")
                    .addIpAddress("127.0.0.1")
                    .build()};
        }
    }

    /** Options; everything has a default that a test or the demo can use as is. */
    public static final class Builder {
        private int port = 4840;
        private String path = "/outpost";
        private final Set<SecurityPolicy> policies = EnumSet.of(SecurityPolicy.None, SecurityPolicy.Basic256Sha256,
                SecurityPolicy.Aes128_Sha256_RsaOaep, SecurityPolicy.Aes256_Sha256_RsaPss);
        private boolean anonymous = true;
        private final Map<String, String> users = new LinkedHashMap<>();
        private boolean userCertificates = true;
        private Path certificateDir;
        private Duration motion = Duration.ofMillis(500);
        private int benchNodes;
        private Duration benchPeriod = Duration.ofMillis(100);

        /** The TCP port on 127.0.0.1; default 4840, the standard OPC UA port (tests pass a free one). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder path(String path) {
            this.path = path.startsWith("/") ? path : "/" + path;
            return this;
        }

        /**
         * The policies offered (each with Sign and SignAndEncrypt; None with mode None). Default: None and the three
         * current ones (not the deprecated Basic128Rsa15 and Basic256).
         */
        public Builder securityPolicies(Set<SecurityPolicy> offered) {
            policies.clear();
            policies.addAll(offered);
            return this;
        }

        public Builder anonymous(boolean allowed) {
            this.anonymous = allowed;
            return this;
        }

        public Builder user(String username, String password) {
            users.put(username, password);
            return this;
        }

        public Builder userCertificates(boolean accepted) {
            this.userCertificates = accepted;
            return this;
        }

        /** Where the server's key and certificate are kept across restarts ({@code simulator.pfx}); default: new ones each start. */
        public Builder certificateDir(Path dir) {
            this.certificateDir = dir;
            return this;
        }

        /** How often the boiler's values move; zero stops them. */
        public Builder motion(Duration every) {
            this.motion = every;
            return this;
        }

        /** {@code count} Double nodes {@code Bench/00000...} that all change every {@code period}. */
        public Builder benchmarkNodes(int count, Duration period) {
            this.benchNodes = count;
            this.benchPeriod = period;
            return this;
        }

        public OpcUaSimulator build() {
            return new OpcUaSimulator(this);
        }
    }

    /**
     * Runs the simulator until killed: {@code [--port N] [--bench COUNT] [--bench-period MS] [--certificate-dir DIR]}.
     * Prints {@code listening on URL} when ready. Accepts anonymous logins and the demo user {@code operator} with
     * password {@code s3cret} (it listens on 127.0.0.1 only).
     */
    public static void main(String[] args) throws InterruptedException {
        Builder b = builder().user("operator", "s3cret");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> b.port(Integer.parseInt(args[i + 1]));
                case "--bench" -> b.benchmarkNodes(Integer.parseInt(args[i + 1]), b.benchPeriod);
                case "--bench-period" -> b.benchPeriod = Duration.ofMillis(Long.parseLong(args[i + 1]));
                case "--certificate-dir" -> b.certificateDir(Path.of(args[i + 1]));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --port N, --bench COUNT, --bench-period MS, --certificate-dir DIR");
            }
        }
        OpcUaSimulator sim = b.build().start();
        System.out.println("listening on " + sim.endpointUrl());
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            forever.countDown();
        }));
        forever.await();
    }
}
