package io.outpost.testing.link;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client connection through the emulator: for each direction a reader thread stamps chunks as they arrive and
 * a writer thread delivers them when the link model says they arrive (or drops them into the black hole).
 */
final class ProxiedConnection {

    private record Chunk(byte[] data, long deliverAtNanos) {
    }

    private static final Chunk END = new Chunk(new byte[0], 0);

    private final LinkEmulator link;
    private final Socket client;
    private final Socket server;
    private final AtomicBoolean closed = new AtomicBoolean();

    ProxiedConnection(LinkEmulator link, Socket client, Socket server) {
        this.link = link;
        this.client = client;
        this.server = server;
    }

    void start() {
        pipe(client, server, link.upstream, "up");
        pipe(server, client, link.downstream, "down");
    }

    private void pipe(Socket from, Socket to, Direction direction, String tag) {
        LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        String name = "link-" + link.port() + "-" + from.getPort() + "-" + tag;
        LinkEmulator.daemon(() -> read(from, direction, queue), name + "-read").start();
        LinkEmulator.daemon(() -> write(to, direction, queue), name + "-write").start();
    }

    private void read(Socket from, Direction direction, LinkedBlockingQueue<Chunk> queue) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                long now = System.nanoTime();
                if (direction.blackHole) {
                    continue;
                }
                queue.add(new Chunk(Arrays.copyOf(buf, n), direction.deliveryTime(now, n)));
            }
        } catch (IOException e) {
            // The socket was reset or closed: the connection ends, which is what the test asked for.
        }
        queue.add(END);
    }

    private void write(Socket to, Direction direction, LinkedBlockingQueue<Chunk> queue) {
        try {
            OutputStream out = to.getOutputStream();
            while (true) {
                Chunk c = queue.take();
                if (c == END) {
                    link.awaitHealed();
                    break;
                }
                long wait = c.deliverAtNanos - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                // A cut holds the chunk (TCP would retransmit it once the path is back), it does not lose it.
                link.awaitHealed();
                if (direction.blackHole) {
                    continue;
                }
                out.write(c.data);
                out.flush();
                direction.forwarded.addAndGet(c.data.length);
            }
        } catch (IOException e) {
            // The far side went away; closing both ends below passes that on.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    /** Ends the connection with a reset on both sides. */
    void reset() {
        if (closed.compareAndSet(false, true)) {
            resetQuietly(client);
            resetQuietly(server);
            link.closed(this);
        }
    }

    private void close() {
        if (closed.compareAndSet(false, true)) {
            closeQuietly(client);
            closeQuietly(server);
            link.closed(this);
        }
    }

    static void resetQuietly(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (IOException e) {
            // Not connected any more: a plain close is all that is left to do.
        }
        closeQuietly(s);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // Closing a dead socket fails harmlessly; the connection is gone either way.
        }
    }
}
