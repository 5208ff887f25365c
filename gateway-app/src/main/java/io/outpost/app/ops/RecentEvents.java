package io.outpost.app.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.LoggerFactory;

/** The last warnings and errors the gateway logged, for the web console; attached to the root logger by the app. */
public final class RecentEvents extends AppenderBase<ILoggingEvent> {

    public record Event(long timestampMillis, String level, String logger, String message) {
    }

    private final int capacity;
    private final Deque<Event> events = new ArrayDeque<>();

    public RecentEvents(int capacity) {
        this.capacity = capacity;
        setName("outpost-recent-events");
    }

    /** Attaches to the root logger of the logback context in use; returns this. */
    public RecentEvents attach() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            setContext(context);
            start();
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(this);
        }
        return this;
    }

    public void detach() {
        if (getContext() instanceof LoggerContext context) {
            Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.detachAppender(this);
        }
        stop();
    }

    @Override
    protected void append(ILoggingEvent e) {
        if (!e.getLevel().isGreaterOrEqual(Level.WARN)) {
            return;
        }
        Event event = new Event(e.getTimeStamp(), e.getLevel().toString(), shortName(e.getLoggerName()),
                e.getFormattedMessage());
        synchronized (events) {
            events.addFirst(event);
            while (events.size() > capacity) {
                events.removeLast();
            }
        }
    }

    public List<Event> newestFirst() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    private static String shortName(String logger) {
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }
}
