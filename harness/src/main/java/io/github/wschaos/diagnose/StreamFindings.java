package io.github.wschaos.diagnose;

import io.github.wschaos.fault.Direction;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

/**
 * The findings about what becomes of bytes and frames once TCP is connected: no answer, a reset before any answer,
 * silence then a close or a reset, a stream cut after some bytes, slow round trips, a thin link, swallowed pings and
 * half-open connections; each with the Toxiproxy-style fault that reproduces it.
 */
final class StreamFindings {

    private StreamFindings() {
    }

    /** TCP connected, but {@code what} (the TLS handshake, the upgrade request) got no answer within {@code timeout}. */
    static Finding noAnswer(String what, Duration timeout) {
        return new Finding(Cause.NO_ANSWER,
                "TCP connected, but " + what + " got no answer within " + timeout.toMillis() + " ms: a firewall or"
                        + " security device that accepts and then drops, a server that accepts but never reads"
                        + " (overloaded, stuck), or a handshake slower than the timeout (cold start).",
                "Look at the server: is it accepting and answering (its log, thread dump)? Check firewalls/IPS between;"
                        + " if it is only slow, try a larger --timeout.",
                Fixes.fault("blackhole", "@Blackhole (or @DelayHandshake for a slow one)", "Faults.blackhole()"));
    }

    /**
     * The answer to the upgrade request began but its head was not complete within {@code timeout}: it trickled in a
     * few bytes at a time (reproduced by a slicer at the pace seen), or stopped after a first piece (no fault does
     * that).
     */
    static Finding stalledAnswer(Wire.Stalled stalled, Duration timeout) {
        int bytes = stalled.partial().length;
        String pace = Fixes.floorTenths(stalled.paceNanos());
        return new Finding(Cause.NO_ANSWER,
                "TCP connected and the answer to the upgrade request began, but its head was not complete within "
                        + timeout.toMillis() + " ms: " + stalled.arrived() + (stalled.trickling()
                                ? " came, a few bytes at a time (" + bytes + " bytes in " + stalled.lastByteNanos() / 1_000_000 + " ms)."
                                : " came, then nothing more.")
                        + " A client opens the WebSocket only once the whole head (up to its blank line) has arrived, so its"
                        + " handshake times out the same way (Node ws: \"Opening handshake has timed out\"). Something"
                        + " holds the answer back: a proxy or middlebox that buffers, throttles or trickles it, or a server"
                        + " that stalls after its first bytes."
                        + (stalled.trickling() ? "" : " No wschaos fault sends part of an answer and then holds the rest."),
                "Capture the traffic at the server and in front of the client (tcpdump) to see where the bytes stop or"
                        + " slow down; a proxy must pass the 101's head on at once. --timeout longer than the whole head"
                        + " takes shows how slow it is.",
                stalled.trickling()
                        ? Fixes.toxic("slicer=1:0:" + pace, "Faults.slicer(1, 0, Durations.parse(\"" + pace + "\"), Direction.DOWNSTREAM)")
                        : null);
    }

    /** The TCP connection was accepted and then reset (or closed) before any answer. */
    static Finding resetBeforeAnswer() {
        return new Finding(Cause.CONNECTION_RESET,
                "The TCP connection was accepted and then reset (or closed) before any answer: the server crashed or"
                        + " refuses, a load balancer has no healthy target, or a firewall rejects with RST.",
                "Check the server is up and healthy behind the address; check the load balancer's targets.",
                Fixes.fault("refuse", "@RefuseConnections", "Faults.refuseConnections()"));
    }

    /** A pong came back after {@code rtt} nanoseconds, far later than the TCP connect: latency beyond the first hop. */
    static Finding latency(long rtt, long connect, long slowHandshake, String host) {
        // The whole round trip: locally the base round trip is next to nothing, so the toxic must add all of it.
        String d = Fixes.floorTenths(rtt);
        return new Finding(Cause.LATENCY,
                "A ping on the upgraded connection came back after " + rtt / 1_000_000 + " ms, while the TCP connect took "
                        + connect / 1_000_000 + " ms" + (slowHandshake > 0 ? " and the 101 " + slowHandshake / 1_000_000 + " ms" : "")
                        + ": every round trip is slow, and the time is spent beyond the first hop (a slow or distant link,"
                        + " a proxy that holds data back, an overloaded server). A client whose pong or handshake timeout is"
                        + " shorter than a round trip drops a working connection.",
                "Give the client's handshake and heartbeat (pong) timeouts a margin above " + rtt / 1_000_000 + " ms; find"
                        + " where the time goes (the server's load, the proxy, the route: mtr " + host + ").",
                Fixes.toxic("latency=" + d, "Faults.latency(Durations.parse(\"" + d + "\"), Direction.DOWNSTREAM)"));
    }

    /** No pong, but a text message was echoed or the closing handshake answered: only pings and pongs are lost. */
    static Finding swallowedPings(Duration timeout, boolean echoed, boolean closeAnswered) {
        return new Finding(Cause.PING_UNANSWERED,
                "A ping got no pong within " + timeout.toMillis() + " ms while " + (echoed ? "a text message was echoed"
                        + (closeAnswered ? " and the closing handshake was answered" : "") : "the closing handshake was answered")
                        + ": frames flow both ways, only pings and pongs are lost. A middlebox drops control frames, or"
                        + " the server does not answer pings as RFC 6455 requires. A client that relies on pongs to"
                        + " detect a dead connection closes a working one.",
                "Detect dead connections with an application-level heartbeat (a message the server answers) and a"
                        + " timeout; find the middlebox that drops the frames.",
                Fixes.fault("swallow-pings", "@SwallowPings", "Faults.swallowPings()"));
    }

    /**
     * Neither the ping, the test message (with {@code echo}) nor the close frame got an answer; {@code lost} is the
     * direction that carries nothing, {@code serverFrames} how many data frames from the server arrived meanwhile.
     */
    static Finding halfOpen(Direction lost, int serverFrames, boolean echo) {
        return new Finding(Cause.HALF_OPEN,
                "Neither the ping" + (echo ? ", the test message" : "") + " nor the close frame got an answer, although"
                        + " the TCP connection was open: a half-open connection, where one direction no longer carries anything"
                        + " (a NAT or firewall that lost the connection's state, a crashed middlebox, a cable pulled). "
                        + (lost == Direction.DOWNSTREAM
                                ? "The server received our close (it closed TCP) but its answers never arrived: what comes back is lost."
                                : serverFrames > 0 ? "The server's own frames still arrive, but nothing we send is answered: what we send is lost."
                                : "Nothing we sent was answered and the server stayed silent: what we send is lost (or both ways).")
                        + (echo ? "" : " No data message was sent (--echo would add one, for an endpoint that echoes):"
                                + " the closing handshake, which every WebSocket server answers, was the probe."),
                "Only a heartbeat with a timeout detects it: send a ping (or an application heartbeat) regularly and close"
                        + " and reconnect when no answer comes in time; keep the connection busier than the NAT's or"
                        + " firewall's idle timeout.",
                new Reproduction("half-open=" + lost.name().toLowerCase(Locale.ROOT), "@HalfOpen(Direction." + lost.name() + ")",
                        "Faults.halfOpen(Direction." + lost.name() + ")", ""));
    }

    /** What a test message that was not echoed means; {@code received} is all the client got on the connection. */
    static Finding notEchoed(EchoProbe probe, long received, boolean secure, Duration timeout) {
        return switch (probe.kind()) {
            case CUT, CLOSED -> cutAfterBytes(received, probe.kind() == EchoProbe.Kind.CUT
                    ? "in the middle of a frame" : "at a frame boundary, after a message was sent", secure);
            case CLOSE_FRAME -> new Finding(Cause.NO_ECHO,
                    "The server answered the test message with close " + probe.closeCode() + " '" + probe.closeReason() + "': it"
                            + " does not take that message (1003 unsupported data, 1007 invalid payload, 1008 policy, 1009 too big)."
                            + " Is the endpoint an echo endpoint?",
                    "Run diagnose without --echo for an endpoint that does not echo; if it should echo, see the server's log.", null);
            case RESET -> new Finding(Cause.RESET_AFTER_UPGRADE,
                    "The connection was reset after the test message (clients report 1006 / \"Connection reset\").",
                    "Look at the server's log for a crash; clients must reconnect with backoff.",
                    Fixes.fault("reset", "@ResetConnection", "Faults.resetConnection()"));
            default -> new Finding(Cause.NO_ECHO,
                    "The test message did not come back within " + timeout.toMillis() + " ms although pings are"
                            + " answered: the endpoint does not echo, or something on the way drops data frames.",
                    "Run diagnose without --echo for an endpoint that does not echo; otherwise look for what drops data.", null);
        };
    }

    /** A {@code size}-byte message came back at {@code rate} KB/s. */
    static Finding thinLink(int size, long rate) {
        return new Finding(Cause.BANDWIDTH_LIMITED,
                "A " + size + "-byte message came back at about " + rate + " KB/s (the time of a short echo subtracted):"
                        + " a thin link or a rate limit on the way. Large messages (a snapshot, a file) take seconds, and"
                        + " heartbeats queued behind them come late. From an echo, the direction cannot be told: the"
                        + " reproduction limits the way back.",
                "Keep messages small or compress them (permessage-deflate); give heartbeat timeouts room for the largest"
                        + " message; find the rate limit (a traffic shaper, a proxy's limit_rate, a mobile link).",
                Fixes.toxic("bandwidth=" + rate, "Faults.bandwidth(" + rate + ", Direction.DOWNSTREAM)"));
    }

    /** The connection was closed (FIN, no close frame) after {@code bytes} bytes from the server. */
    static Finding cutAfterBytes(long bytes, String where, boolean secure) {
        return new Finding(Cause.CUT_AFTER_BYTES,
                "The connection was closed without a close frame after " + bytes + " bytes from the server"
                        + (secure ? " (counted after TLS decryption)" : "") + ", " + where
                        + " (clients report 1006, or a handshake error for a cut answer): a proxy or firewall with a"
                        + " transfer limit, a server that crashes on a message, or a middlebox that cuts connections.",
                "Find what closes the connection after " + bytes + " bytes: the proxy's limits (body or buffer sizes), the"
                        + " server's log for a crash; clients must reconnect with backoff on 1006.",
                Fixes.toxic("limit-data=" + bytes, "Faults.limitData(" + bytes + ", Direction.DOWNSTREAM)"));
    }

    /**
     * After {@code what} (the upgrade request, the ClientHello) nothing came back, and {@code silent} nanoseconds
     * later the connection was closed ({@link EOFException}) or reset ({@code e} otherwise).
     */
    static Finding afterSilence(IOException e, long silent, String what) {
        String d = Fixes.floorTenths(silent);
        String after = String.format(Locale.ROOT, "%.1f s", silent / 1e9);
        if (e instanceof EOFException) {
            return new Finding(Cause.CLOSED_AFTER_SILENCE,
                    "TCP connected and " + what + ", but nothing came back; after " + after + " the connection was closed (FIN)"
                            + " without a byte: a hung server, or a proxy or firewall that swallows the traffic and gives up after"
                            + " a fixed time. Clients see a handshake that fails without a status.",
                    "Look at the server: is it reading and answering (its log, a thread dump)? A proxy in front that closes"
                            + " silently after " + d + " has a timeout of that length for its upstream.",
                    Fixes.toxic("timeout=" + d, "Faults.timeout(Durations.parse(\"" + d + "\"), Direction.DOWNSTREAM)"));
        }
        return new Finding(Cause.RESET_AFTER_SILENCE,
                "TCP connected and " + what + ", but nothing came back; after " + after + " the connection was reset ("
                        + e.getMessage() + "): a server that crashes while handling the request, or a middlebox that drops the"
                        + " traffic and then resets the connection.",
                "Look at the server's log for a crash while handling the upgrade; check firewalls and load balancers between.",
                Fixes.toxic("reset-peer=" + d, "Faults.resetPeer(Durations.parse(\"" + d + "\"), Direction.DOWNSTREAM)"));
    }
}
