package io.outpost.app.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.outpost.core.config.ConfigException;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.spi.DeviceStatus;
import io.outpost.mqtt.bridge.health.UpstreamStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Any bytes on a gateway's command topic, through the request check the fleet thread does before a command runs
 * (JSON, the command envelope, signature, freshness, replay): refused with a reason code, or a known command, which
 * is one that changes nothing unless the request was signed (no trusted key signs random bytes). Nothing else may
 * escape. Kept inputs: src/test/resources/io/outpost/app/fleet/RemoteCommandsFuzzTestInputs/.
 */
class RemoteCommandsFuzzTest {

    private static final RemoteCommands COMMANDS = commands();

    private static RemoteCommands commands() {
        try {
            Path dir = Files.createTempDirectory("remote-commands-fuzz");
            dir.toFile().deleteOnExit();
            return new RemoteCommands(new NoGateway(), () -> "gw", new ConfigHistory(dir.resolve("outpost.yaml"), 1),
                    () -> FleetConfig.DISABLED, () -> new TrustedKeys(Path.of(
                    "src/test/resources/io/outpost/app/fleet/trusted-keys")), Clock.systemUTC());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void anyRequest_isRefusedWithAReason_orIsAKnownCommandAndSignedWhenItChangesSomething(byte[] bytes) {
        CommandRequest request;
        try {
            request = COMMANDS.check(bytes);
        } catch (RemoteCommands.Refused refused) {
            assertThat(refused.code).isNotBlank();
            return;
        }
        assertThat(request.signed()).as("random bytes passed the signature check").isFalse();
        assertThat(COMMANDS.needsSignature(request.command())).as("an unsigned %s", request.command()).isFalse();
    }

    /** The commands are built but never run here. */
    private static final class NoGateway implements FleetHost {
        @Override
        public GatewayConfig config() {
            throw new AssertionError("not called by the check");
        }

        @Override
        public GatewayConfig load(Path file) throws ConfigException {
            throw new AssertionError("not called by the check");
        }

        @Override
        public void apply(GatewayConfig next) {
            throw new AssertionError("not called by the check");
        }

        @Override
        public Map<String, DeviceStatus> devices() {
            throw new AssertionError("not called by the check");
        }

        @Override
        public List<UpstreamStatus> upstreams() {
            throw new AssertionError("not called by the check");
        }

        @Override
        public String version() {
            return "test";
        }
    }
}
