package io.outpost.app.fleet;

import io.outpost.core.config.ConfigException;
import io.outpost.core.config.ConfigProblem;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.spi.DeviceStatus;
import io.outpost.mqtt.bridge.health.UpstreamStatus;
import io.outpost.core.files.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a configuration pushed from the cloud through its steps (docs/fleet.md, "Remote configuration"):
 * <ol>
 *   <li>the envelope: well-formed, for this gateway, signed by a trusted key, a version higher than any seen;</li>
 *   <li>validated exactly as {@code outpost validate} does (a remotely pushed configuration must also keep the
 *       fleet link on: one that turns it off cuts the gateway off from the cloud);</li>
 *   <li>the running file and a pending marker go to stable storage, the new file takes the configuration's name,
 *       and the transactional reload applies it;</li>
 *   <li>during the grace period the health is watched; at its end the configuration is rolled back when a device
 *       that was online before never came online again, or when the fleet link or the upstream it uses did not
 *       connect; else it stays. A process that dies in the grace period is rolled back at its next start.</li>
 * </ol>
 * Every step answers with a {@link ConfigResult}. Confined to the fleet agent's thread.
 */
final class RemoteConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteConfiguration.class);
    static final long CHECK_MILLIS = 250;

    /** What the updater needs of the agent. */
    interface Agent {
        /** The running configuration changed (applied or rolled back): follow it (the fleet link's settings). */
        void reconfigure(GatewayConfig next);

        /** Whether the fleet link is connected now. */
        boolean linkConnected();

        /** The name of the upstream the fleet link uses in {@code config}, or null. */
        String upstreamOf(GatewayConfig config);
    }

    private final FleetHost host;
    private final ConfigHistory history;
    private final Supplier<TrustedKeys> keys;
    private final ScheduledExecutorService loop;
    private final Consumer<ConfigResult> results;
    private final Agent agent;
    private final Clock clock;
    private Grace grace;

    RemoteConfiguration(FleetHost host, ConfigHistory history, Supplier<TrustedKeys> keys,
                        ScheduledExecutorService loop, Consumer<ConfigResult> results, Agent agent, Clock clock) {
        this.host = host;
        this.history = history;
        this.keys = keys;
        this.loop = loop;
        this.results = results;
        this.agent = agent;
        this.clock = clock;
    }

    boolean inGrace() {
        return grace != null;
    }

    /** A message on the config topic. */
    void received(byte[] payload) {
        String self = host.config().gateway().id();
        SignedEnvelope envelope;
        try {
            envelope = SignedEnvelope.parse(payload, SignedEnvelope.CONFIG);
        } catch (SignedEnvelope.EnvelopeException e) {
            reject(self, -1, null, e.code(), e.getMessage(), List.of());
            return;
        }
        long version = envelope.version();
        String hash = envelope.payloadHash();
        try {
            if (version == history.appliedVersion() && hash.equals(history.appliedHash())
                    || grace != null && version == grace.version) {
                // The retained message again (a reconnect, a new subscription): it is the one in force.
                return;
            }
            if (version <= history.highestVersion() && history.isKept(version, hash)) {
                // Answered already (a retained message seen again after a reconnect): not an attempt.
                return;
            }
            if (!envelope.gateway().equals(self)) {
                reject(self, version, hash, "wrong-gateway", "signed for gateway " + envelope.gateway(), List.of());
                return;
            }
            keys.get().verify(envelope.keyId(), envelope.signedBytes(), envelope.signature());
            if (version <= history.highestVersion()) {
                reject(self, version, hash, "replay", "version " + version + " is not higher than "
                        + history.highestVersion() + ", the highest this gateway received", List.of());
                return;
            }
            if (grace != null) {
                reject(self, version, hash, "busy", "version " + grace.version + " is in its grace period", List.of());
                return;
            }
            history.received(version, envelope.payload(), hash);
        } catch (SignedEnvelope.EnvelopeException e) {
            reject(self, version, hash, e.code(), e.getMessage(), List.of());
            return;
        } catch (IOException e) {
            LOG.error("fleet: cannot keep the configuration history in {}", history.dir(), e);
            reject(self, version, hash, "apply-failed", "the gateway cannot write its history: " + e.getMessage(), List.of());
            return;
        }
        GatewayConfig validated;
        try {
            validated = validate(envelope);
        } catch (ConfigException e) {
            List<String> errors = e.problems().stream().map(ConfigProblem::toString).map(this::withoutTempName).toList();
            reject(self, version, hash, "invalid", errors.size() + " problem(s)", errors);
            return;
        } catch (IOException e) {
            reject(self, version, hash, "apply-failed", "cannot write beside " + history.configFile() + ": "
                    + e.getMessage(), List.of());
            return;
        }
        if (agent.upstreamOf(validated) == null) {
            reject(self, version, hash, "invalid", "the fleet section is off or names no upstream: the gateway would be "
                    + "cut off from the cloud", List.of("fleet: enabled, with an upstream to reach the cloud through"));
            return;
        }
        results.accept(result(version, hash, "accepted", null, null));
        apply(envelope);
    }

    private GatewayConfig validate(SignedEnvelope envelope) throws ConfigException, IOException {
        Path file = history.configFile();
        Path temp = file.resolveSibling("." + file.getFileName() + ".fleet-" + envelope.version() + ".yaml");
        Files.write(temp, envelope.payload());
        try {
            return host.load(temp);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private String withoutTempName(String problem) {
        return problem.replaceAll("\\." + java.util.regex.Pattern.quote(history.configFile().getFileName().toString())
                + "\\.fleet-\\d+\\.yaml", history.configFile().getFileName().toString());
    }

    private void apply(SignedEnvelope envelope) {
        long version = envelope.version();
        String hash = envelope.payloadHash();
        Map<String, DeviceStatus> before = host.devices();
        Set<String> onlineBefore = new HashSet<>();
        before.forEach((id, s) -> {
            if (s.state() == DeviceStatus.State.ONLINE) {
                onlineBefore.add(id);
            }
        });
        GatewayConfig next;
        try {
            byte[] running = Files.readAllBytes(history.configFile());
            history.beginPending(version, hash, running);
            AtomicFiles.replaceKeepingAccess(history.configFile(), envelope.payload(),
                    PosixFilePermissions.fromString("rw-r-----"));
            next = host.load(history.configFile());
        } catch (IOException | ConfigException e) {
            LOG.error("fleet: configuration version {} could not be put in place", version, e);
            rollback(version, hash, "apply-failed", "could not be put in place: " + e.getMessage());
            return;
        }
        grace = new Grace(version, hash, onlineBefore, next);
        try {
            host.apply(next);
            agent.reconfigure(next);
        } catch (RuntimeException e) {
            LOG.error("fleet: applying configuration version {} failed", version, e);
            grace.stop();
            grace = null;
            rollback(version, hash, "apply-failed", "the reload failed: " + e.getMessage());
            return;
        }
        LOG.info("fleet: configuration version {} ({}) applied; watching for {}", version, hash.substring(0, 12),
                host.config().section(FleetSection.KEY, FleetConfig.class).map(FleetConfig::gracePeriod).orElse(null));
        results.accept(result(version, hash, "applied", null, null));
        grace.start();
    }

    private void rollback(long version, String hash, String reason, String why) {
        try {
            history.restorePrevious();
            GatewayConfig previous = host.load(history.configFile());
            host.apply(previous);
            agent.reconfigure(previous);
            LOG.warn("fleet: configuration version {} rolled back: {}", version, why);
        } catch (IOException | ConfigException | RuntimeException e) {
            LOG.error("fleet: rolling back configuration version {} failed; the file has the previous configuration, "
                    + "restart the gateway", version, e);
            why = why + "; the rollback itself failed: " + e.getMessage();
        }
        results.accept(result(version, hash, "rolled-back", reason, why));
    }

    private void reject(String self, long version, String hash, String reason, String detail, List<String> errors) {
        LOG.warn("fleet: configuration{} refused ({}): {}", version < 0 ? "" : " version " + version, reason, detail);
        results.accept(new ConfigResult(self, version, hash, "rejected", reason, detail, errors, clock.instant()));
    }

    private ConfigResult result(long version, String hash, String status, String reason, String detail) {
        return new ConfigResult(host.config().gateway().id(), version, hash, status, reason, detail, List.of(),
                clock.instant());
    }

    /** The watch of one applied configuration. */
    private final class Grace {
        final long version;
        final String hash;
        final Set<String> waitingFor;
        final String upstream;
        final long deadlineNanos;
        boolean linkSeen;
        boolean upstreamSeen;
        ScheduledFuture<?> checks;

        Grace(long version, String hash, Set<String> onlineBefore, GatewayConfig next) {
            this.version = version;
            this.hash = hash;
            this.waitingFor = new HashSet<>(onlineBefore);
            waitingFor.retainAll(next.devices().stream().map(d -> d.id()).toList());
            this.upstream = agent.upstreamOf(next);
            Long grace = next.section(FleetSection.KEY, FleetConfig.class).map(f -> f.gracePeriod().toNanos()).orElse(0L);
            this.deadlineNanos = System.nanoTime() + grace;
        }

        void start() {
            checks = loop.scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
        }

        void stop() {
            if (checks != null) {
                checks.cancel(false);
            }
        }

        private void check() {
            try {
                host.devices().forEach((id, s) -> {
                    if (s.state() == DeviceStatus.State.ONLINE) {
                        waitingFor.remove(id);
                    }
                });
                linkSeen |= agent.linkConnected();
                if (!upstreamSeen) {
                    upstreamSeen = host.upstreams().stream().anyMatch(u -> u.upstream().equals(upstream)
                            && "connected".equals(u.state()));
                }
                if (System.nanoTime() - deadlineNanos < 0) {
                    return;
                }
                stop();
                grace = null;
                List<String> why = new ArrayList<>();
                String reason = null;
                if (!linkSeen || !upstreamSeen) {
                    reason = "uplink-lost";
                    why.add(!linkSeen ? "the fleet link did not connect to the cloud broker within the grace period"
                            : "upstream " + upstream + " did not connect within the grace period");
                }
                if (!waitingFor.isEmpty()) {
                    reason = reason == null ? "devices-offline" : reason;
                    why.add("device(s) online before stayed offline: " + String.join(", ", waitingFor.stream().sorted().toList()));
                }
                if (reason != null) {
                    rollback(version, hash, reason, String.join("; ", why));
                    return;
                }
                history.confirm(version, hash);
                LOG.info("fleet: configuration version {} passed its grace period and stays", version);
                results.accept(result(version, hash, "healthy", null, null));
            } catch (IOException | RuntimeException e) {
                // The watch runs again at the next tick; a failure to write the state must be seen.
                LOG.error("fleet: watching configuration version {} failed", version, e);
            }
        }
    }
}
