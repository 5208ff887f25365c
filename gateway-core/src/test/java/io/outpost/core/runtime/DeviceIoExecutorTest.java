package io.outpost.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Devices' IO executors over one shared pool, as {@link CoreServices#production} builds them. */
class DeviceIoExecutorTest {

    private static final long WAIT_SECONDS = 10;

    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), CoreServices.named("test-io-pool-", true));

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    @Test
    void a_device_runs_its_calls_one_at_a_time_in_order() throws Exception {
        DeviceIoExecutor device = new DeviceIoExecutor("outpost-io-plc", pool, 1_000);
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlap = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(500);
        for (int i = 0; i < 500; i++) {
            int n = i;
            device.execute(() -> {
                if (running.incrementAndGet() > 1) {
                    overlap.incrementAndGet();
                }
                order.add(n);
                Thread.yield();
                running.decrementAndGet();
                done.countDown();
            });
        }
        assertThat(done.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(overlap).hasValue(0);
        assertThat(order).isSorted().hasSize(500);
    }

    @Test
    void a_blocked_device_holds_only_its_own_thread_and_the_others_go_on() throws Exception {
        DeviceIoExecutor dead = new DeviceIoExecutor("outpost-io-dead", pool, 1_000);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        dead.execute(() -> {
            blocked.countDown();
            await(release);
        });
        assertThat(blocked.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        AtomicBoolean deadRanAgain = new AtomicBoolean();
        dead.execute(() -> deadRanAgain.set(true));

        List<DeviceIoExecutor> healthy = new ArrayList<>();
        CountDownLatch served = new CountDownLatch(20);
        for (int i = 0; i < 20; i++) {
            DeviceIoExecutor d = new DeviceIoExecutor("outpost-io-ok" + i, pool, 1_000);
            healthy.add(d);
            d.execute(served::countDown);
        }
        assertThat(served.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(deadRanAgain).as("the blocked device's next call waits for its first").isFalse();
        release.countDown();
        CompletableFuture.runAsync(() -> { }, dead).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(deadRanAgain).isTrue();
    }

    @Test
    void devices_polled_in_turn_share_a_few_threads() throws Exception {
        Set<Thread> threads = Collections.synchronizedSet(new HashSet<>());
        for (int i = 0; i < 200; i++) {
            DeviceIoExecutor d = new DeviceIoExecutor("outpost-io-plc" + i, pool, 1_000);
            CompletableFuture.runAsync(() -> threads.add(Thread.currentThread()), d).get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        // A thread per device would be 200; a call that starts while the last one's thread is still on its way back
        // to the pool gets a second thread, so a few, not one.
        assertThat(threads.size()).isBetween(1, 10);
    }

    @Test
    void calls_beyond_the_capacity_are_refused_and_the_waiting_ones_still_run() throws Exception {
        DeviceIoExecutor device = new DeviceIoExecutor("outpost-io-plc", pool, 3);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        device.execute(() -> {
            started.countDown();
            await(release);
        });
        assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        CountDownLatch ran = new CountDownLatch(3);
        for (int i = 0; i < 3; i++) {
            device.execute(ran::countDown);
        }
        assertThatThrownBy(() -> device.execute(ran::countDown)).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("outpost-io-plc").hasMessageContaining("3 calls already waiting");
        release.countDown();
        assertThat(ran.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        device.execute(() -> { });
    }

    @Test
    void shutdown_now_interrupts_the_running_call_drops_the_waiting_ones_and_the_interrupt_stays_with_that_call()
            throws Exception {
        DeviceIoExecutor stopping = new DeviceIoExecutor("outpost-io-stopping", pool, 1_000);
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean queuedRan = new AtomicBoolean();
        stopping.execute(() -> {
            started.countDown();
            try {
                // A call that blocks until it is interrupted, as a read waits for a dead peer.
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.set(true);
                Thread.currentThread().interrupt();
            }
        });
        stopping.execute(() -> queuedRan.set(true));
        assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        assertThat(stopping.shutdownNow()).isEmpty();

        assertThat(stopping.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(stopping.isTerminated()).isTrue();
        assertThat(interrupted).isTrue();
        assertThat(queuedRan).isFalse();
        assertThatThrownBy(() -> stopping.execute(() -> { })).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("shut down");
        // The pool thread that ran the interrupted call serves the next device without the interrupt.
        DeviceIoExecutor next = new DeviceIoExecutor("outpost-io-next", pool, 1_000);
        for (int i = 0; i < 20; i++) {
            assertThat(CompletableFuture.supplyAsync(() -> Thread.currentThread().isInterrupted(), next)
                    .get(WAIT_SECONDS, TimeUnit.SECONDS)).isFalse();
        }
    }

    @Test
    void a_graceful_shutdown_runs_the_calls_already_waiting() throws Exception {
        DeviceIoExecutor device = new DeviceIoExecutor("outpost-io-plc", pool, 1_000);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        device.execute(() -> await(release));
        device.execute(ran::incrementAndGet);
        device.execute(ran::incrementAndGet);
        device.shutdown();
        assertThat(device.isShutdown()).isTrue();
        assertThat(device.awaitTermination(50, TimeUnit.MILLISECONDS)).isFalse();
        release.countDown();
        assertThat(device.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).hasValue(2);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
