package io.github.wschaos.diagnose;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Engine.IO's heartbeat (the transport under Socket.IO), kept as socket.io-client keeps it, so that an idle probe of
 * a Socket.IO endpoint measures the network's idle timeout and not the server's heartbeat timeout: a probe that
 * leaves the server's pings unanswered is closed by the server after {@code pingInterval + pingTimeout} (45 s by
 * default; "ping timeout" in its log), which looks like an idle timeout and is not one.
 *
 * <p>It acts only once the server's first text frame is an Engine.IO open packet ({@code 0{"sid":...,"pingInterval":...}}).
 * Engine.IO 4 (Socket.IO 3 and 4): the server sends {@code 2}, the client answers {@code 3}. Engine.IO 3 (a URL
 * with {@code EIO=3}): the client sends {@code 2} every {@code pingInterval}, the server answers {@code 3}. On a
 * {@code /socket.io/} path with Engine.IO 4 it also joins the default namespace ({@code 40}), as a Socket.IO client does,
 * since Socket.IO closes a connection that joins none within its {@code connectTimeout} (45 s); Socket.IO 2 joins it
 * for the client.
 */
final class EngineIoHeartbeat {

    private static final Pattern PING_INTERVAL = Pattern.compile("\"pingInterval\"\\s*:\\s*(\\d+)");
    private static final byte[] PING = {'2'};
    private static final byte[] PONG = {'3'};
    private static final byte[] JOIN_DEFAULT_NAMESPACE = {'4', '0'};

    private final boolean version3;
    private final boolean socketIo;
    private boolean active;
    private long pingIntervalNanos;
    private long nextPing = Long.MAX_VALUE;
    private int heartbeats;

    private EngineIoHeartbeat(URI uri) {
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        this.version3 = ("&" + query).contains("&EIO=3");
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        this.socketIo = path.contains("/socket.io");
    }

    /** Watches the frames of a connection to {@code uri}. */
    static EngineIoHeartbeat of(URI uri) {
        return new EngineIoHeartbeat(uri);
    }

    /**
     * Takes a text or binary frame from the server; answers it when it is Engine.IO's.
     *
     * @return whether it was a heartbeat of Engine.IO's (a ping or the answer to ours)
     */
    boolean onData(Wire wire, int opcode, byte[] payload) throws IOException {
        if (opcode != 0x1) {
            return false;
        }
        String text = new String(payload, StandardCharsets.UTF_8);
        if (!active) {
            Matcher interval = PING_INTERVAL.matcher(text);
            if (text.startsWith("0{") && text.contains("\"sid\"") && interval.find()) {
                active = true;
                pingIntervalNanos = Long.parseLong(interval.group(1)) * 1_000_000L;
                if (version3) {
                    nextPing = System.nanoTime() + pingIntervalNanos;
                }
                if (socketIo && !version3) { // Socket.IO 2 (Engine.IO 3) joins it itself, and closes on a 40
                    wire.sendFrame(0x1, JOIN_DEFAULT_NAMESPACE);
                }
            }
            return false;
        }
        if (!version3 && text.equals("2")) {
            wire.sendFrame(0x1, PONG);
            heartbeats++;
            return true;
        }
        if (version3 && text.equals("3")) {
            heartbeats++;
            return true;
        }
        return false;
    }

    /** When the next heartbeat of ours is due ({@link System#nanoTime()}), or {@link Long#MAX_VALUE} for never. */
    long nextPingAt() {
        return nextPing;
    }

    /** Sends Engine.IO 3's ping when it is due. */
    void pingIfDue(Wire wire, long now) throws IOException {
        if (now >= nextPing) {
            wire.sendFrame(0x1, PING);
            nextPing = now + pingIntervalNanos;
        }
    }

    /** Whether the endpoint spoke Engine.IO. */
    boolean active() {
        return active;
    }

    /** How many heartbeats went both ways (pings answered, or ours answered). */
    int heartbeats() {
        return heartbeats;
    }

    /** For evidence: what was kept up, e.g. "Engine.IO's heartbeat kept as socket.io-client keeps it (3 pings answered)". */
    String describe() {
        return "Engine.IO's heartbeat kept as socket.io-client keeps it (" + heartbeats
                + (version3 ? " of our pings answered" : " of the server's pings answered") + ")";
    }
}
