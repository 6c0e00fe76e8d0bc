package io.github.wschaos.diagnose;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A socket's input whose reads can be bounded by a deadline as a whole: the socket's timeout bounds each read only, so
 * bytes that trickle in (a byte now and then, a head or a handshake of many reads) could hold a step far past
 * {@code --timeout}. While {@link #until(long)} is in force, each read's timeout is cut to what is left of the deadline.
 * Counts the bytes the socket delivered, for the evidence.
 */
final class DeadlineInput extends FilterInputStream {

    private final Socket socket;
    private final String timeoutMessage;
    /** Whether reads are bounded by {@link #deadline} as well as by the socket's timeout. */
    private volatile boolean bounded;
    /** The {@link System#nanoTime()} by which reads must be done, when {@link #bounded}. */
    private volatile long deadline;
    private volatile long received;

    /** Reads {@code raw}, the input of {@code socket}, whose timeout it cuts; a passed deadline says {@code timeoutMessage}. */
    DeadlineInput(InputStream raw, Socket socket, String timeoutMessage) {
        super(raw);
        this.socket = socket;
        this.timeoutMessage = timeoutMessage;
    }

    /** Bounds every read from now on by {@code deadline} ({@link System#nanoTime()}), until {@link #unbounded()}. */
    void until(long deadline) {
        this.deadline = deadline;
        this.bounded = true;
    }

    /** Back to the socket's own timeout for each read. */
    void unbounded() {
        bounded = false;
    }

    /** How many bytes the socket has delivered so far. */
    long received() {
        return received;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int before = bounded ? boundRead() : -1;
        try {
            int n = super.read(buffer, offset, length);
            received += Math.max(0, n);
            return n;
        } finally {
            if (before >= 0) {
                socket.setSoTimeout(before);
            }
        }
    }

    /**
     * Cuts the socket's timeout to what is left of the deadline; returns the timeout to restore after the read.
     *
     * @throws SocketTimeoutException when the deadline has passed
     */
    private int boundRead() throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException(timeoutMessage);
        }
        int before = socket.getSoTimeout();
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, (left + 999_999) / 1_000_000));
        socket.setSoTimeout(before == 0 ? millis : Math.min(before, millis));
        return before;
    }
}
