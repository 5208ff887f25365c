package io.outpost.adapter.opcua.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.core.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KeepAliveWatchdogTest {

    private final ManualScheduler clock = new ManualScheduler();
    private final AtomicInteger probes = new AtomicInteger();
    private final List<String> deaths = new ArrayList<>();
    private volatile boolean serverAnswers;

    private KeepAliveWatchdog watchdog(int failuresAllowed) {
        return new KeepAliveWatchdog(clock, Duration.ofSeconds(5), failuresAllowed, this::probe, deaths::add);
    }

    private CompletionStage<?> probe() {
        probes.incrementAndGet();
        return serverAnswers ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new java.util.concurrent.TimeoutException("no answer"));
    }

    @Test
    void busySubscription_neverTriggersAProbe_evenWhenProbesWouldFail() {
        KeepAliveWatchdog w = watchdog(1);
        w.start();
        for (int i = 0; i < 600; i++) {
            clock.advance(Duration.ofMillis(100));
            w.activity();
        }
        assertThat(probes).hasValue(0);
        assertThat(deaths).isEmpty();
    }

    @Test
    void silentSession_isProbed_andDeclaredDeadOnceAfterTheAllowedFailures() {
        KeepAliveWatchdog w = watchdog(2);
        w.start();
        clock.advance(Duration.ofSeconds(5));
        assertThat(probes).hasValue(1);
        clock.advance(Duration.ofSeconds(5));
        assertThat(probes).hasValue(2);
        assertThat(deaths).isEmpty();
        clock.advance(Duration.ofSeconds(5));
        assertThat(probes).hasValue(3);
        assertThat(deaths).singleElement().asString().contains("3 keep-alive");
        clock.advance(Duration.ofMinutes(1));
        assertThat(probes).hasValue(3);
        assertThat(deaths).hasSize(1);
    }

    @Test
    void quietButAnsweringSession_staysAlive() {
        serverAnswers = true;
        KeepAliveWatchdog w = watchdog(0);
        w.start();
        clock.advance(Duration.ofMinutes(5));
        assertThat(probes.get()).isGreaterThan(10);
        assertThat(deaths).isEmpty();
    }

    @Test
    void failuresInterruptedByActivity_startCountingAgain() {
        KeepAliveWatchdog w = watchdog(1);
        w.start();
        clock.advance(Duration.ofSeconds(5));
        assertThat(probes).hasValue(1);
        clock.advance(Duration.ofSeconds(2));
        w.activity();
        clock.advance(Duration.ofSeconds(3));
        assertThat(probes).hasValue(1);
        clock.advance(Duration.ofSeconds(5));
        assertThat(probes).hasValue(2);
        assertThat(deaths).isEmpty();
        clock.advance(Duration.ofSeconds(5));
        assertThat(probes).hasValue(3);
        assertThat(deaths).hasSize(1);
    }

    @Test
    void stoppedWatchdog_doesNothing() {
        KeepAliveWatchdog w = watchdog(0);
        w.start();
        w.stop();
        clock.advance(Duration.ofMinutes(1));
        assertThat(probes).hasValue(0);
        assertThat(deaths).isEmpty();
    }
}
