package io.outpost.app;

import io.outpost.core.config.ConfigException;
import io.outpost.core.config.ConfigProblem;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.outpost.app.fleet.ConfigHistory;
import io.outpost.app.fleet.FleetAgent;
import io.outpost.core.config.GatewayConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "run", description = "Run the gateway with a configuration file until stopped (SIGTERM or Ctrl-C).")
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Parameters(paramLabel = "CONFIG", description = "The gateway's YAML configuration file.")
    Path config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ConfigFiles files = new ConfigFiles();
        // A remote configuration whose grace period the last process did not live through is undone first.
        new ConfigHistory(config, 1).recoverAtStart().ifPresent(LOG::warn);
        GatewayConfig loaded;
        try {
            loaded = files.load(config);
        } catch (ConfigException e) {
            var err = spec.commandLine().getErr();
            err.printf("%s has %d problem(s); nothing was started:%n", config, e.problems().size());
            for (ConfigProblem p : e.problems()) {
                err.println("  " + p);
            }
            return ExitCodes.INVALID;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // Every part of the gateway registers its meters here; the ops endpoint serves it as /metrics.
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Gateway gateway = Gateway.start(loaded, files, meters, System.getenv());
        FleetAgent fleet = FleetAgents.start(gateway, files, config);
        ConfigReloader reloader = new ConfigReloader(config, files, next -> {
            gateway.reload(next);
            fleet.configChanged(next);
        }).start(true);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping gateway {}", loaded.gateway().id());
            reloader.close();
            fleet.close();
            gateway.close();
            stopped.countDown();
        }, "outpost-shutdown"));
        stopped.await();
        return ExitCodes.OK;
    }
}
