package io.outpost.app;

import io.outpost.core.config.GatewayConfig;
import io.outpost.core.logic.alarm.AlarmService;
import io.outpost.core.logic.alarm.AlarmStateFile;
import io.outpost.core.runtime.CoreServices;
import io.outpost.core.runtime.GatewayRuntime;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's edge logic, wired once: the alarms follow the core's readings and publish through the core's
 * hand-over; their state file is written on a thread of its own. Created after the runtime and before it starts,
 * closed after it stopped.
 */
final class EdgeLogic implements AutoCloseable {

    private final ExecutorService files;
    private final AlarmService alarms;

    private EdgeLogic(ExecutorService files, AlarmService alarms) {
        this.files = files;
        this.alarms = alarms;
    }

    static EdgeLogic start(GatewayConfig config, GatewayRuntime runtime, CoreServices services) {
        ExecutorService files = Executors.newSingleThreadExecutor(CoreServices.named("outpost-logic-files-", true));
        AlarmService alarms = new AlarmService(config.gateway(), services.scheduler(), runtime.publisher(),
                AlarmStateFile.in(config.gateway().dataDir()), files);
        alarms.configure(config);
        runtime.observeReadings(alarms);
        return new EdgeLogic(files, alarms);
    }

    AlarmService alarms() {
        return alarms;
    }

    void reload(GatewayConfig next) {
        alarms.configure(next);
    }

    /** Blocking: writes the alarm states a last time. */
    @Override
    public void close() {
        alarms.close();
        files.shutdown();
        try {
            files.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
