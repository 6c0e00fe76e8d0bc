package io.github.wschaos.diagnose;

import static io.github.wschaos.diagnose.RunContext.seconds;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One upgraded connection held open without data (or with a ping every so often) up to a limit, and how it ended:
 * still open, a close frame, TCP closed or reset; after how long, and how many pongs, pings and data frames came.
 */
final class IdleHold {

    enum Kind { OPEN, CLOSE_FRAME, TCP_CLOSED, RESET }

    private Kind kind;
    private long nanos;
    private long sinceData;
    private int code;
    private String reason = "";
    private int pongs;
    private int serverPings;
    private int data;
    private EngineIoHeartbeat engineIo;

    private IdleHold() {
    }

    /**
     * Holds {@code wire}, a connection to {@code uri}, open for {@code limit}, sending a ping every {@code pingEvery}
     * (zero: never), answering the server's pings, and keeping Engine.IO's heartbeat where the server speaks it; every
     * 5 s a progress message, {@code label} first.
     */
    static IdleHold hold(Wire wire, URI uri, Duration limit, Duration pingEvery, String label, Consumer<String> progress)
            throws IOException {
        long start = System.nanoTime();
        long lastData = start;
        long nextPing = pingEvery.isZero() ? Long.MAX_VALUE : start + pingEvery.toNanos();
        long nextProgress = start + 5_000_000_000L;
        long end = start + limit.toNanos();
        IdleHold ending = new IdleHold();
        ending.engineIo = EngineIoHeartbeat.of(uri);
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                ending.kind = Kind.OPEN;
                ending.nanos = now - start;
                try {
                    wire.sendClose(1000);
                } catch (IOException e) {
                    // it was open; closing is a courtesy
                }
                return ending;
            }
            try {
                if (now >= nextPing) {
                    wire.sendFrame(0x9, "wschaos-idle".getBytes(StandardCharsets.US_ASCII));
                    nextPing = now + pingEvery.toNanos();
                }
                ending.engineIo.pingIfDue(wire, now);
            } catch (SocketException e) {
                // A reset that a write meets before a read does (a ping due just after it): the same ending.
                ending.kind = Kind.RESET;
                ending.reason = e.getMessage();
                return ending.at(start, lastData);
            }
            if (now >= nextProgress) {
                progress.accept(label + ": " + seconds(now - start) + " of " + seconds(limit.toNanos()) + ", still open");
                nextProgress = now + 5_000_000_000L;
            }
            long wait = Math.min(Math.min(Math.min(end, nextPing), nextProgress), ending.engineIo.nextPingAt()) - now;
            wire.socket().setSoTimeout((int) Math.max(1, Math.min(1000, wait / 1_000_000)));
            try {
                Wire.Frame frame = wire.readFrame();
                if (frame.isPing()) {
                    ending.serverPings++;
                    wire.sendFrame(0xA, frame.payload());
                } else if (frame.isPong()) {
                    ending.pongs++;
                } else if (frame.isClose()) {
                    ending.kind = Kind.CLOSE_FRAME;
                    ending.code = frame.closeCode();
                    ending.reason = frame.closeReason();
                    return ending.at(start, lastData);
                } else {
                    lastData = System.nanoTime(); // Engine.IO's heartbeats too: a middlebox sees them as data
                    ending.data++;
                    ending.engineIo.onData(wire, frame.opcode(), frame.payload());
                }
            } catch (SocketTimeoutException e) {
                // nothing yet: loop
            } catch (EOFException e) {
                ending.kind = Kind.TCP_CLOSED;
                return ending.at(start, lastData);
            } catch (SocketException e) {
                ending.kind = Kind.RESET;
                ending.reason = e.getMessage();
                return ending.at(start, lastData);
            }
        }
    }

    private IdleHold at(long start, long lastData) {
        long now = System.nanoTime();
        nanos = now - start;
        sinceData = now - lastData;
        return this;
    }

    Kind kind() {
        return kind;
    }

    /** How long it was held. */
    long nanos() {
        return nanos;
    }

    /** How long from the server's last data frame (or the start) to the end. */
    long sinceData() {
        return sinceData;
    }

    /** The close frame's code, for {@link Kind#CLOSE_FRAME}. */
    int code() {
        return code;
    }

    /** The close frame's reason, or the reset's message. */
    String reason() {
        return reason;
    }

    /** How many pongs answered our pings. */
    int pongs() {
        return pongs;
    }

    /** How many pings the server sent (each answered). */
    int serverPings() {
        return serverPings;
    }

    /** The Engine.IO heartbeat kept on the connection, if the server spoke Engine.IO, for evidence. */
    String engineIoHeartbeat() {
        return engineIo.active() ? engineIo.describe() : "";
    }

    /** How it ended, as evidence, e.g. "TCP closed without a close frame after 1.10 s". */
    String describe() {
        String after = String.format(Locale.ROOT, "%.2f s", nanos / 1e9)
                + (data > 0 ? String.format(Locale.ROOT, " (%.2f s after the server's last data)", sinceData / 1e9) : "");
        return switch (kind) {
            case CLOSE_FRAME -> "close frame " + code + " '" + reason + "' after " + after;
            case TCP_CLOSED -> "TCP closed without a close frame after " + after;
            case RESET -> "connection reset (" + reason + ") after " + after;
            case OPEN -> "still open after " + after;
        };
    }
}
