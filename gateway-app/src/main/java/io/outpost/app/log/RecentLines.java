package io.outpost.app.log;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * A logback appender that keeps the last {@value #CAPACITY} log lines in memory (each cut to {@value #MAX_LINE}
 * characters), for the fleet's {@code logs} command: the gateway logs to stderr, which journald or a container
 * runtime keeps where the process cannot read it back, so the lines are kept here, bounded, as they pass. Declared in
 * {@code logback.xml} as appender {@value #NAME} on the root logger. Thread-safe: any thread appends, any reads.
 */
public final class RecentLines extends AppenderBase<ILoggingEvent> {

    public static final String NAME = "recent";
    public static final int CAPACITY = 1000;
    static final int MAX_LINE = 2000;

    private final String[] ring = new String[CAPACITY];
    private long appended;

    /** The appender of the running logback configuration, if it declares one. */
    public static Optional<RecentLines> find() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            Appender<ILoggingEvent> a = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(NAME);
            if (a instanceof RecentLines r) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    @Override
    protected void append(ILoggingEvent e) {
        StringBuilder line = new StringBuilder(128).append(Instant.ofEpochMilli(e.getTimeStamp())).append(' ')
                .append(e.getLevel()).append(' ').append(shortName(e.getLoggerName())).append(' ')
                .append(e.getFormattedMessage());
        for (IThrowableProxy t = e.getThrowableProxy(); t != null && line.length() < MAX_LINE; t = t.getCause()) {
            line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        String text = line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "…" : line.toString();
        synchronized (ring) {
            ring[(int) (appended++ % CAPACITY)] = text;
        }
    }

    /** The last {@code max} lines (at most {@value #CAPACITY}), oldest first. */
    public List<String> last(int max) {
        synchronized (ring) {
            int n = (int) Math.min(Math.min(max, CAPACITY), appended);
            List<String> out = new ArrayList<>(n);
            for (long i = appended - n; i < appended; i++) {
                out.add(ring[(int) (i % CAPACITY)]);
            }
            return out;
        }
    }

    private static String shortName(String logger) {
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }
}
