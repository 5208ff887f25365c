package io.outpost.app;

import io.outpost.core.config.ConfigException;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.spi.AdapterCatalog;
import java.nio.file.Path;

/** Loads configuration files with every adapter, section and payload format on the class path. */
final class ConfigFiles {

    private final AdapterCatalog adapters;
    private final PayloadFormats formats;
    private final ConfigLoader loader;

    ConfigFiles() {
        this.adapters = AdapterCatalog.fromServiceLoader();
        this.formats = PayloadFormats.standard();
        this.loader = new ConfigLoader(adapters, ConfigLoader.discoverSections(), formats.names(), Interpolator.system());
    }

    GatewayConfig load(Path file) throws ConfigException {
        return loader.load(file);
    }

    AdapterCatalog adapters() {
        return adapters;
    }

    PayloadFormats formats() {
        return formats;
    }
}
