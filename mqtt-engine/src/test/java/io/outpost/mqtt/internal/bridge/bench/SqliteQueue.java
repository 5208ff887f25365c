package io.outpost.mqtt.internal.bridge.bench;

import io.outpost.mqtt.bridge.config.StoreConfig.SyncPolicy;
import io.outpost.mqtt.internal.bridge.testing.Queued;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The yardstick the segment store was measured against: the same durable append path on SQLite (xerial
 * sqlite-jdbc) in WAL mode with {@code synchronous=FULL}, so a committed transaction is flushed as the segment
 * store's group is. One writer thread, the same group-commit policy, the same record bytes. Appends only: that is
 * the hot path that decided the choice (the segment store's removals are appends to its journal; here they would be
 * DELETEs on an indexed table).
 */
public final class SqliteQueue implements AutoCloseable {

    private record Append(byte[] record, int classIndex, CompletableFuture<Void> done) {
    }

    /** Reads every queued record of a class in order and deletes it, as delivery and acknowledgement would. */
    private record Drain(int classIndex, CompletableFuture<Integer> done) {
    }

    private final Connection db;
    private final PreparedStatement insert;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final SyncPolicy sync;
    private final long intervalNanos;
    private final AtomicLong seq = new AtomicLong();
    private final Thread writer;
    private volatile boolean closed;

    public SqliteQueue(Path file, SyncPolicy sync, long intervalNanos) throws SQLException {
        this.db = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=FULL");
            s.execute("CREATE TABLE IF NOT EXISTS queue (seq INTEGER PRIMARY KEY, class INTEGER NOT NULL, record BLOB NOT NULL)");
            s.execute("CREATE INDEX IF NOT EXISTS queue_class ON queue (class, seq)");
        }
        db.setAutoCommit(false);
        this.insert = db.prepareStatement("INSERT INTO queue (seq, class, record) VALUES (?, ?, ?)");
        this.sync = sync;
        this.intervalNanos = intervalNanos;
        this.writer = new Thread(this::run, "sqlite-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    public CompletableFuture<Void> append(Queued m) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        byte[] topic = m.route().remoteTopic().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] payload = m.message().payload();
        // The fields a queued message needs, as the segment store's records hold them (sequence, time, topic, payload).
        ByteBuffer record = ByteBuffer.allocate(8 + 8 + 2 + topic.length + 4 + payload.length)
                .putLong(seq.incrementAndGet()).putLong(m.message().receivedAtMillis())
                .putShort((short) topic.length).put(topic).putInt(payload.length).put(payload);
        queue.add(new Append(record.array(), m.classIndex(), done));
        return done;
    }

    /** Delivers (reads in order, then deletes in one transaction) everything queued in a class. */
    public CompletableFuture<Integer> drain(int classIndex) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        queue.add(new Drain(classIndex, done));
        return done;
    }

    private int drainNow(int classIndex) throws SQLException {
        int n = 0;
        long after = -1;
        try (PreparedStatement select = db.prepareStatement(
                "SELECT seq, record FROM queue WHERE class = ? AND seq > ? ORDER BY seq LIMIT 512");
             PreparedStatement delete = db.prepareStatement("DELETE FROM queue WHERE seq = ?")) {
            while (true) {
                select.setInt(1, classIndex);
                select.setLong(2, after);
                int got = 0;
                try (var rs = select.executeQuery()) {
                    while (rs.next()) {
                        after = rs.getLong(1);
                        if (rs.getBytes(2).length == 0) {
                            throw new SQLException("empty record");
                        }
                        delete.setLong(1, after);
                        delete.addBatch();
                        got++;
                    }
                }
                if (got == 0) {
                    break;
                }
                delete.executeBatch();
                n += got;
            }
        }
        db.commit();
        return n;
    }

    private void run() {
        List<Object> batch = new ArrayList<>();
        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        long lastCommit = System.nanoTime();
        long nextSeq = 0;
        try {
            while (!closed || !queue.isEmpty()) {
                long wait = waiting.isEmpty() ? TimeUnit.MILLISECONDS.toNanos(100) : Math.max(0, lastCommit + intervalNanos - System.nanoTime());
                Object first = queue.poll(wait, TimeUnit.NANOSECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch);
                }
                for (Object o : batch) {
                    if (o instanceof Drain d) {
                        d.done.complete(drainNow(d.classIndex));
                        continue;
                    }
                    Append a = (Append) o;
                    insert.setLong(1, ++nextSeq);
                    insert.setInt(2, a.classIndex);
                    insert.setBytes(3, a.record);
                    insert.addBatch();
                    waiting.add(a.done);
                }
                if (!batch.isEmpty()) {
                    insert.executeBatch();
                }
                batch.clear();
                long now = System.nanoTime();
                if (!waiting.isEmpty() && (sync == SyncPolicy.EVERY_MESSAGE || now - lastCommit >= intervalNanos)) {
                    db.commit();
                    lastCommit = System.nanoTime();
                    waiting.forEach(f -> f.complete(null));
                    waiting.clear();
                }
            }
        } catch (SQLException e) {
            waiting.forEach(f -> f.completeExceptionally(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws Exception {
        closed = true;
        writer.join(10_000);
        insert.close();
        db.close();
    }
}
