package io.outpost.adapter.opcua.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.adapter.opcua.OpcUaAdapterFactory;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.spi.AdapterCatalog;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExampleConfigTest {

    @Test
    void documentedExample_isValid() throws Exception {
        GatewayConfig config = new ConfigLoader(new AdapterCatalog(List.of(new OpcUaAdapterFactory())), List.of(),
                PayloadFormats.standard().names(), new Interpolator(Map.of("PLC_PASSWORD", "x")::get))
                .load(Path.of("../../configs/opcua.yaml"));
        assertThat(config.devices()).hasSize(2);
        assertThat(config.devices().get(0).points()).hasSize(5);
    }
}
