package io.outpost.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.outpost.core.command.CommandPayload;
import io.outpost.core.command.CommandRejectedException;
import io.outpost.core.command.WriteConversion;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.PointConfig;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.point.Value;
import io.outpost.core.spi.AdapterCatalog;
import io.outpost.core.testing.TestAdapterFactory;
import java.nio.file.Path;
import java.util.List;

/**
 * Any bytes on a command topic: the payload parser and the write conversion either refuse them with a reason or
 * produce a value that keeps every promise (finite, inside the range, fits the type). Nothing else may escape.
 * Kept inputs: src/test/resources/io/outpost/core/fuzz/CommandPayloadFuzzTestInputs/.
 */
class CommandPayloadFuzzTest {

    private static final List<PointConfig> POINTS = points();

    private static List<PointConfig> points() {
        try {
            GatewayConfig config = new ConfigLoader(new AdapterCatalog(List.of(new TestAdapterFactory())), List.of(),
                    PayloadFormats.standard().names(), new Interpolator(n -> null)).parse("""
                    gateway: {id: gw, site: s, data-dir: /tmp/outpost-fuzz}
                    devices:
                      - id: d
                        protocol: test
                        points:
                          - {id: ranged, address: 1, range: [0, 90], writable: true}
                          - {id: scaled, address: 2, type: int16, scale: 0.1, range: [-50, 50], writable: true}
                          - {id: wide, address: 3, type: uint64, writable: true}
                          - {id: real, address: 4, type: float32, writable: true}
                          - {id: flag, address: 5, type: bool, writable: true}
                          - {id: text, address: 6, type: string, writable: true}
                          - {id: learned, address: 7, writable: true}
                    """, Path.of("fuzz.yaml"));
            return config.devices().get(0).points();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @FuzzTest
    void anyPayload_isRefusedWithAReason_orBecomesAValueThatKeepsThePointsPromises(byte[] payload) {
        CommandPayload parsed;
        try {
            parsed = CommandPayload.parse(payload);
        } catch (CommandRejectedException refused) {
            assertThat(refused.reason()).isNotBlank();
            return;
        }
        if (parsed.relinquish()) {
            return;
        }
        for (PointConfig point : POINTS) {
            Value raw;
            try {
                raw = WriteConversion.toRaw(point, parsed.value());
            } catch (CommandRejectedException refused) {
                assertThat(refused.reason()).isNotBlank();
                continue;
            }
            if (raw instanceof Value.Real r) {
                assertThat(Double.isFinite(r.value())).as("finite for %s", point.id()).isTrue();
            }
            if (point.range() != null && raw.isNumeric()) {
                double engineering = point.scaling().isIdentity() ? raw.asDouble() : point.scaling().toEngineering(raw.asDouble());
                assertThat(engineering).as("inside the range of %s", point.id())
                        .isBetween(point.range().min() - 1e-6, point.range().max() + 1e-6);
            }
        }
    }
}
