package io.github.wschaos.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback port whose TCP connects time out, the way they do behind a firewall that drops packets: a listening
 * socket with a backlog of 1 that never accepts, filled with connections until the kernel drops further SYNs (Linux
 * drops a SYN when the accept queue is full, unless {@code net.ipv4.tcp_abort_on_overflow} is 1). A connect to
 * {@link #port()} then hangs until the client's connect timeout. Closing it closes the filling connections and the
 * listener.
 */
public final class UnansweredPort implements AutoCloseable {

    private static final int MAX_FILL = 16;

    private final ServerSocket listener;
    private final List<Socket> filling = new ArrayList<>();

    private UnansweredPort(ServerSocket listener) {
        this.listener = listener;
    }

    /**
     * Opens the port and fills its accept queue.
     *
     * @throws IllegalStateException when the kernel does not drop SYNs (it resets or accepts them), naming why
     */
    public static UnansweredPort open() {
        String abort = abortOnOverflow();
        if (!abort.equals("0")) {
            throw new IllegalStateException("net.ipv4.tcp_abort_on_overflow is '" + abort + "', not 0: a full accept queue"
                    + " answers SYNs with a reset instead of dropping them, so no connect can be made to time out");
        }
        ServerSocket listener = null;
        UnansweredPort port = null;
        try {
            listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            port = new UnansweredPort(listener);
            for (int i = 0; i < MAX_FILL; i++) {
                Socket socket = new Socket();
                try {
                    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 300);
                    port.filling.add(socket);
                } catch (SocketTimeoutException e) {
                    socket.close();
                    return port;
                }
            }
            throw new IllegalStateException(MAX_FILL + " connects to a listener with backlog 1 that never accepts all"
                    + " succeeded: this kernel does not drop SYNs on a full accept queue");
        } catch (IOException e) {
            if (port != null) {
                port.close();
            } else if (listener != null) {
                closeQuietly(listener);
            }
            throw new IllegalStateException("could not open a listener on loopback: " + e, e);
        } catch (RuntimeException e) {
            if (port != null) {
                port.close();
            }
            throw e;
        }
    }

    private static String abortOnOverflow() {
        try {
            return Files.readString(Path.of("/proc/sys/net/ipv4/tcp_abort_on_overflow"), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/sys/net/ipv4/tcp_abort_on_overflow (not Linux?): " + e, e);
        }
    }

    /** The port whose connects time out. */
    public int port() {
        return listener.getLocalPort();
    }

    /** How many connections fill the accept queue. */
    public int filling() {
        return filling.size();
    }

    @Override
    public void close() {
        filling.forEach(UnansweredPort::closeQuietly);
        filling.clear();
        closeQuietly(listener);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // nothing left to do
        }
    }
}
