package io.outpost.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.point.Value;
import io.outpost.core.spi.AdapterCatalog;
import io.outpost.core.testing.CoreHarness;
import io.outpost.core.testing.TestAdapter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GatewayRuntimeReloadTest {

    private static final String BEFORE = """
            gateway: {id: gw, site: s, data-dir: /tmp/outpost-test}
            devices:
              - {id: a, protocol: test, poll-interval: 1s, points: [{id: x, address: 1, type: int32, report: every-read}]}
              - {id: b, protocol: test, poll-interval: 1s, points: [{id: y, address: 1, type: int32, report: every-read}]}
              - {id: c, protocol: test, poll-interval: 1s, points: [{id: z, address: 1, type: int32}]}
            """;

    private CoreHarness core;

    @AfterEach
    void close() {
        core.close();
    }

    private GatewayConfig parse(String yaml) throws Exception {
        return new ConfigLoader(new AdapterCatalog(List.of(core.adapters)), List.of(), PayloadFormats.standard().names(),
                new Interpolator(n -> null)).parse(yaml, Path.of("test.yaml"));
    }

    @Test
    void reload_applies_only_what_changed_while_other_devices_keep_polling() throws Exception {
        core = new CoreHarness(BEFORE).start();
        TestAdapter a = core.device("a");
        a.set("x", Value.of(1));
        core.advance(Duration.ofMillis(2500));
        int aReads = a.reads().size();
        TestAdapter bBefore = core.device("b");

        String after = BEFORE
                .replace("{id: b, protocol: test, poll-interval: 1s", "{id: b, protocol: test, poll-interval: 250ms")
                .replace("  - {id: c, protocol: test, poll-interval: 1s, points: [{id: z, address: 1, type: int32}]}\n", "")
                + "  - {id: d, protocol: test, points: [{id: w, address: 1}]}\n";
        ReloadReport report = core.runtime.apply(parse(after));

        assertThat(report.added()).containsExactly("d");
        assertThat(report.removed()).containsExactly("c");
        assertThat(report.restarted()).containsExactly("b");
        assertThat(report.unchanged()).containsExactly("a");
        assertThat(core.device("a")).isSameAs(a);
        assertThat(a.closed()).isFalse();
        assertThat(bBefore.closed()).isTrue();
        assertThat(core.adapters.adapter("c").closed()).isTrue();

        core.advance(Duration.ofSeconds(2));
        assertThat(a.reads().size()).isEqualTo(aReads + 2); // a's grid went on undisturbed
        assertThat(core.device("b").reads().size()).isGreaterThanOrEqualTo(8); // the new 250 ms interval
        assertThat(core.device("d").reads()).isNotEmpty();
        assertThat(core.runtime.deviceIds()).containsExactly("a", "b", "d");
    }

    @Test
    void identity_change_is_reported_and_not_applied() throws Exception {
        core = new CoreHarness(BEFORE).start();

        ReloadReport report = core.runtime.apply(parse(BEFORE.replace("id: gw", "id: other")));

        assertThat(report.restartRequired()).containsExactly("gateway identity or data-dir");
        assertThat(report.changedAnything()).isFalse();
    }
}
