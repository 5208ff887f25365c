package io.outpost.adapter.opcua.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.adapter.opcua.OpcUaAdapterFactory;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.PointConfig;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.spi.AdapterCatalog;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DataChangeTrigger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DeadbandType;
import org.eclipse.milo.opcua.stack.core.types.structured.DataChangeFilter;
import org.junit.jupiter.api.Test;

class DeadbandFiltersTest {

    private static PointConfig point(String keys) throws Exception {
        String yaml = "gateway: {id: gw, data-dir: /tmp/x}\ndevices:\n  - id: d\n    protocol: opcua\n"
                + "    connection: {endpoint: \"opc.tcp://127.0.0.1:4840\"}\n"
                + "    points:\n      - {id: p, node: \"i=2258\"" + keys + "}\n";
        return new ConfigLoader(new AdapterCatalog(List.of(new OpcUaAdapterFactory())), List.of(),
                PayloadFormats.standard().names(), new Interpolator(n -> null)).parse(yaml, Path.of("g.yaml"))
                .devices().get(0).points().get(0);
    }

    @Test
    void noDeadband_leavesTheServersDefault() throws Exception {
        assertThat(DeadbandFilters.forPoint(point(""))).isNull();
    }

    @Test
    void absoluteDeadband_isSentInRawUnits() throws Exception {
        DataChangeFilter f = DeadbandFilters.forPoint(point(", deadband: 0.5, scale: 0.1"));
        assertThat(f.getDeadbandType().intValue()).isEqualTo(DeadbandType.Absolute.getValue());
        assertThat(f.getDeadbandValue()).isCloseTo(5.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(f.getTrigger()).isEqualTo(DataChangeTrigger.StatusValue);
    }

    @Test
    void percentWithRange_becomesTheSameAbsoluteDeadbandTheCoreApplies() throws Exception {
        DataChangeFilter f = DeadbandFilters.forPoint(point(", deadband: 2%, range: [0, 200]"));
        assertThat(f.getDeadbandType().intValue()).isEqualTo(DeadbandType.Absolute.getValue());
        assertThat(f.getDeadbandValue()).isCloseTo(4.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void percentWithoutRange_isAnOpcUaPercentDeadband() throws Exception {
        DataChangeFilter f = DeadbandFilters.forPoint(point(", deadband: 2%"));
        assertThat(f.getDeadbandType().intValue()).isEqualTo(DeadbandType.Percent.getValue());
        assertThat(f.getDeadbandValue()).isEqualTo(2.0);
    }

    @Test
    void everyRead_asksForSourceTimestampChangesToo() throws Exception {
        assertThat(DeadbandFilters.forPoint(point(", report: every-read")).getTrigger())
                .isEqualTo(DataChangeTrigger.StatusValueTimestamp);
    }
}
