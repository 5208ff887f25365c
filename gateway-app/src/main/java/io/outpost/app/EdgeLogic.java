package io.outpost.app;

import io.outpost.core.config.GatewayConfig;
import io.outpost.core.history.HistoryService;
import io.outpost.core.logic.alarm.AlarmService;
import io.outpost.core.logic.alarm.AlarmStateFile;
import io.outpost.core.runtime.CoreServices;
import io.outpost.core.runtime.GatewayRuntime;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's edge logic, wired once: the alarms and the per-point history follow the core's readings (one
 * observer, in that order); alarms publish through the core's hand-over and their state file is written on a thread
 * of its own. Created after the runtime and before it starts, closed after it stopped.
 */
final class EdgeLogic implements AutoCloseable {

    private final ExecutorService files;
    private final AlarmService alarms;
    private final HistoryService history;

    private EdgeLogic(ExecutorService files, AlarmService alarms, HistoryService history) {
        this.files = files;
        this.alarms = alarms;
        this.history = history;
    }

    static EdgeLogic start(GatewayConfig config, GatewayRuntime runtime, CoreServices services) {
        ExecutorService files = Executors.newSingleThreadExecutor(CoreServices.named("outpost-logic-files-", true));
        AlarmService alarms = new AlarmService(config.gateway(), services.scheduler(), runtime.publisher(),
                AlarmStateFile.in(config.gateway().dataDir()), files);
        alarms.configure(config);
        HistoryService history = new HistoryService(HistoryService.directoryIn(config.gateway().dataDir()),
                services.scheduler().clock());
        history.configure(config);
        runtime.observeReadings(samples -> {
            alarms.observe(samples);
            history.observe(samples);
        });
        return new EdgeLogic(files, alarms, history);
    }

    AlarmService alarms() {
        return alarms;
    }

    HistoryService history() {
        return history;
    }

    void reload(GatewayConfig next) {
        alarms.configure(next);
        history.configure(next);
    }

    /** Blocking: writes the alarm states a last time. */
    @Override
    public void close() {
        alarms.close();
        history.close();
        files.shutdown();
        try {
            files.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
