package io.github.wschaos.diagnose;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * One test message of {@code --echo} on an upgraded connection and how it fared: echoed (and how long that took),
 * answered with a close frame, not back within the timeout, or the connection cut, closed or reset meanwhile.
 */
final class EchoProbe {

    enum Kind { ECHOED, CLOSE_FRAME, TIMED_OUT, CUT, CLOSED, RESET }

    private Kind kind;
    private long nanos;
    private int closeCode;
    private String closeReason = "";

    private EchoProbe() {
    }

    /**
     * Sends {@code payload} as a text message and waits, up to {@code timeout}, for the same text back: as one frame or
     * in fragments (a text frame without FIN, then continuation frames; Tomcat sends 16,000 bytes as 8,192 and the
     * rest), with the server's pings answered and its other control frames skipped between them, as a client does.
     */
    static EchoProbe send(Wire wire, byte[] payload, Duration timeout) {
        long start = System.nanoTime();
        EchoProbe probe = new EchoProbe();
        try {
            wire.sendFrame(0x1, payload);
            Wire.Frame frame = awaitText(wire, start + timeout.toNanos(), payload);
            if (frame.isClose()) {
                probe.kind = Kind.CLOSE_FRAME;
                probe.closeCode = frame.closeCode();
                probe.closeReason = frame.closeReason();
            } else {
                probe.kind = Kind.ECHOED;
            }
        } catch (SocketTimeoutException e) {
            probe.kind = Kind.TIMED_OUT;
        } catch (Wire.CutFrame e) {
            probe.kind = Kind.CUT;
        } catch (EOFException e) {
            probe.kind = Kind.CLOSED;
        } catch (IOException e) {
            probe.kind = Kind.RESET;
            probe.closeReason = e.getMessage();
        }
        probe.nanos = System.nanoTime() - start;
        return probe;
    }

    /**
     * Reads messages, joining fragments, until the text message {@code expected} has come back whole (its last frame
     * is returned) or a close frame comes; other messages are skipped.
     *
     * @throws SocketTimeoutException when {@code deadline} ({@link System#nanoTime()}) passes first
     */
    private static Wire.Frame awaitText(Wire wire, long deadline, byte[] expected) throws IOException {
        ByteArrayOutputStream message = null;
        int opcode = 0;
        while (true) {
            Wire.Frame frame = await(wire, deadline, f -> !f.isPing() && !f.isPong(), new int[1]);
            if (frame.isClose()) {
                return frame;
            }
            if (frame.opcode() != 0x0) {
                message = new ByteArrayOutputStream();
                opcode = frame.opcode();
            } else if (message == null) {
                // A continuation without a first frame: nothing to join it to.
                continue;
            }
            // A message longer than the one sent cannot be its echo: only its end matters.
            if (message.size() <= expected.length) {
                message.write(frame.payload(), 0, Math.min(frame.payload().length, expected.length + 1 - message.size()));
            }
            if (frame.fin()) {
                if (opcode == 0x1 && Arrays.equals(message.toByteArray(), expected)) {
                    return frame;
                }
                message = null;
            }
        }
    }

    /**
     * Reads frames until one {@code wanted} (or a close frame) arrives, answering the server's pings and counting its
     * other frames in {@code others[0]}.
     *
     * @throws SocketTimeoutException when {@code deadline} ({@link System#nanoTime()}) passes first
     */
    static Wire.Frame await(Wire wire, long deadline, Predicate<Wire.Frame> wanted, int[] others) throws IOException {
        return await(wire, deadline, wanted, others, null);
    }

    /**
     * As {@link #await(Wire, long, Predicate, int[])}, keeping Engine.IO's heartbeat with {@code engineIo} (null: none)
     * meanwhile; its heartbeat frames are not counted in {@code others[0]}.
     */
    static Wire.Frame await(Wire wire, long deadline, Predicate<Wire.Frame> wanted, int[] others, EngineIoHeartbeat engineIo)
            throws IOException {
        while (true) {
            long now = System.nanoTime();
            if (deadline - now <= 0) {
                throw new SocketTimeoutException("nothing wanted within the timeout");
            }
            long readUntil = deadline;
            if (engineIo != null) {
                engineIo.pingIfDue(wire, now);
                readUntil = Math.min(deadline, engineIo.nextPingAt());
            }
            wire.socket().setSoTimeout((int) Math.max(1, (readUntil - now) / 1_000_000));
            Wire.Frame frame;
            try {
                frame = wire.readFrame(readUntil);
            } catch (SocketTimeoutException e) {
                if (readUntil == deadline) {
                    throw e;
                }
                continue; // an Engine.IO ping of ours is due
            }
            if (wanted.test(frame) || frame.isClose()) {
                return frame;
            }
            if (frame.isPing()) {
                wire.sendFrame(0xA, frame.payload());
            } else if (!frame.isPong() && (engineIo == null || !engineIo.onData(wire, frame.opcode(), frame.payload()))) {
                others[0]++;
            }
        }
    }

    Kind kind() {
        return kind;
    }

    /** How long from sending until the outcome. */
    long nanos() {
        return nanos;
    }

    int closeCode() {
        return closeCode;
    }

    String closeReason() {
        return closeReason;
    }

    /** The outcome as evidence, e.g. "was echoed in 3 ms". */
    String describe(Duration timeout) {
        return switch (kind) {
            case ECHOED -> "was echoed in " + nanos / 1_000_000 + " ms";
            case CLOSE_FRAME -> "was answered with close " + closeCode + " '" + closeReason + "'";
            case TIMED_OUT -> "did not come back within " + timeout.toMillis() + " ms";
            case CUT -> "was cut: TCP closed in the middle of a frame";
            case CLOSED -> "got TCP closed without a close frame";
            case RESET -> "got the connection reset (" + closeReason + ")";
        };
    }
}
