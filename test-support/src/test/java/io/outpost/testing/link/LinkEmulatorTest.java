package io.outpost.testing.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LinkEmulatorTest {

    private ServerSocket echo;
    private LinkEmulator link;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket();
        echo.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread c = new Thread(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException e) {
                            // The test closed or reset the connection.
                        }
                    });
                    c.setDaemon(true);
                    c.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        link = LinkEmulator.start("127.0.0.1", echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        link.close();
        echo.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", link.port());
        s.setSoTimeout(5_000);
        return s;
    }

    private static long roundTripMillis(Socket s, int bytes) throws IOException {
        long start = System.nanoTime();
        s.getOutputStream().write(new byte[bytes]);
        s.getOutputStream().flush();
        s.getInputStream().readNBytes(bytes);
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void latency_delays_every_round_trip_by_both_directions() throws IOException {
        link.latency(Duration.ofMillis(150));
        try (Socket s = connect()) {
            assertThat(roundTripMillis(s, 10)).isGreaterThanOrEqualTo(300);
        }
    }

    @Test
    void bandwidth_caps_how_fast_data_passes() throws IOException {
        link.bandwidth(100_000);
        try (Socket s = connect()) {
            // 50 KB at 100 KB/s: at least half a second one way.
            assertThat(roundTripMillis(s, 50_000)).isGreaterThanOrEqualTo(450);
        }
    }

    @Test
    void a_black_hole_swallows_data_and_keeps_the_connection_open() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTripMillis(s, 10)).isLessThan(5_000);
            link.blackHole(true);
            s.setSoTimeout(500);
            s.getOutputStream().write(new byte[10]);
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(link.openConnections()).isEqualTo(1);
            link.blackHole(false);
            s.setSoTimeout(5_000);
            assertThat(roundTripMillis(s, 10)).isLessThan(5_000);
        }
    }

    @Test
    void down_resets_connections_and_refuses_new_ones_until_up() throws IOException {
        try (Socket s = connect()) {
            roundTripMillis(s, 10);
            link.down();
            assertThatThrownBy(() -> {
                s.getOutputStream().write(new byte[10]);
                if (s.getInputStream().read() < 0) {
                    throw new IOException("closed");
                }
            }).isInstanceOf(IOException.class);
        }
        try (Socket refused = connect()) {
            assertThatThrownBy(() -> {
                refused.getOutputStream().write(new byte[10]);
                if (refused.getInputStream().read() < 0) {
                    throw new IOException("closed");
                }
            }).isInstanceOf(IOException.class);
        }
        assertThat(link.connectionsAccepted()).isEqualTo(2);
        link.up();
        try (Socket again = connect()) {
            assertThat(roundTripMillis(again, 10)).isLessThan(5_000);
        }
    }

    @Test
    void a_cut_holds_data_of_open_connections_and_delivers_it_in_order_at_the_heal() throws IOException {
        try (Socket s = connect()) {
            roundTripMillis(s, 10);
            link.cut();
            s.setSoTimeout(700);
            s.getOutputStream().write(new byte[] {1, 2, 3});
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            link.heal();
            s.setSoTimeout(5_000);
            assertThat(s.getInputStream().readNBytes(3)).containsExactly(1, 2, 3);
        }
    }

    @Test
    void during_a_cut_a_new_connection_hangs_in_its_handshake_and_completes_after_the_heal() throws Exception {
        link.cut();
        Socket hanging = new Socket();
        assertThatThrownBy(() -> hanging.connect(new InetSocketAddress("127.0.0.1", link.port()), 1_500))
                .isInstanceOf(SocketTimeoutException.class);
        hanging.close();
        assertThat(link.connectionsAccepted()).isZero();
        link.heal();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", link.port()), 5_000);
            s.setSoTimeout(5_000);
            assertThat(roundTripMillis(s, 10)).isLessThan(5_000);
        }
        assertThat(link.connectionsAccepted()).isEqualTo(1);
    }
}
