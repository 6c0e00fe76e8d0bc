package io.github.wschaos.diagnose;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/**
 * A plain socket whose reads can be bounded by a deadline as a whole ({@link DeadlineInput}), for the TLS handshake
 * layered over it: the JDK's {@code SSLSocket} reads through this socket's input, so a server that sends its
 * handshake a byte now and then is cut at {@code --timeout}, not held past it read by read.
 */
final class DeadlineSocket extends Socket {

    private DeadlineInput in;

    /** Bounds every read from now on by {@code deadline} ({@link System#nanoTime()}), until {@link #unbounded()}. */
    void until(long deadline) throws IOException {
        input().until(deadline);
    }

    /** Back to the socket's own timeout for each read. */
    void unbounded() throws IOException {
        input().unbounded();
    }

    /** The bytes read so far. */
    long received() {
        DeadlineInput input = in;
        return input == null ? 0 : input.received();
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return input();
    }

    private synchronized DeadlineInput input() throws IOException {
        if (in == null) {
            in = new DeadlineInput(super.getInputStream(), this, "Read timed out");
        }
        return in;
    }
}
