package io.github.wschaos.diagnose;

import static io.github.wschaos.diagnose.RunContext.SLOW_HANDSHAKE;
import static io.github.wschaos.diagnose.RunContext.millis;
import static io.github.wschaos.diagnose.RunContext.since;

import io.github.wschaos.fault.Direction;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The steps on the upgraded first connection: the {@code ping} (its round trip; when no pong comes, the closing
 * handshake and with {@code --echo} a test message tell dropped control frames from a half-open connection), the
 * {@code echo} of a short and a large text message (round trip, throughput), and the closing handshake that ends it.
 */
final class FrameSteps {

    /** The size of the {@code --echo} throughput message: below common server limits (Tomcat's 8 KiB buffer aside). */
    static final int LARGE_MESSAGE = 16_000;
    /**
     * An echo throughput below this many kilobytes (1000 bytes) per second is reported as a thin link (a 2G mobile
     * link, a shaped connection): the 16,000-byte echo then takes 0.8 s longer than a short one, far above the
     * hiccups of a busy machine or network.
     */
    static final int THIN_LINK_KB_PER_SECOND = 20;
    /** A large echo that takes less than this longer than the short one gives no throughput: the jitter is as large. */
    private static final long MEASURABLE_TRANSFER_NANOS = 1_000_000L;
    private static final byte[] SHORT_MESSAGE = "wschaos-diagnose echo".getBytes(StandardCharsets.US_ASCII);
    private static final String ECHO_ASSUMPTION = " (--echo: the endpoint is taken to echo text messages)";

    private final RunContext run;
    private final DiagnosisOptions options;
    private final Endpoint endpoint;

    FrameSteps(RunContext run) {
        this.run = run;
        this.options = run.options;
        this.endpoint = run.endpoint;
    }

    /** Pings on the first connection; true when a pong came and the connection is still usable. */
    boolean ping(Wire wire) {
        options.progress().accept("ping ...");
        long start = System.nanoTime();
        int[] data = {0};
        EngineIoHeartbeat engineIo = EngineIoHeartbeat.of(endpoint.uri());
        try {
            wire.sendFrame(0x9, "wschaos-diagnose".getBytes(StandardCharsets.US_ASCII));
            Wire.Frame frame = EchoProbe.await(wire, start + options.timeout().toNanos(), Wire.Frame::isPong, data, engineIo);
            if (frame.isClose()) {
                closedAfterUpgrade(frame, start);
                return false;
            }
            run.pong = true;
            long rtt = System.nanoTime() - start;
            String evidence = "pong in " + millis(start) + " (the TCP connect took " + run.connectNanos / 1_000_000 + " ms)"
                    + (data[0] > 0 ? " (" + data[0] + " data frames from the server first)" : "");
            if (rtt > SLOW_HANDSHAKE.toNanos()) {
                run.checks.put("ping", Check.failed("ping", evidence + " (slow: more than " + SLOW_HANDSHAKE.toMillis() + " ms)", since(start)));
                // A slow 101 that the round trip explains is the same latency, not a delayed handshake.
                boolean explainsHandshake = run.handshakeNanos > SLOW_HANDSHAKE.toNanos() && run.handshakeNanos <= rtt * 3 / 2 + 100_000_000L;
                if (run.findings.removeIf(finding -> finding.cause() == Cause.SLOW_HANDSHAKE) && !explainsHandshake) {
                    // The latency toxic reproduces the round trip: the handshake's delay is only what lies beyond it.
                    run.findings.add(UpgradeStep.slowHandshake(run.handshakeNanos, rtt));
                }
                run.findings.add(StreamFindings.latency(rtt, run.connectNanos, explainsHandshake ? run.handshakeNanos : 0, endpoint.host()));
            } else {
                run.checks.put("ping", Check.passed("ping", evidence, since(start)));
            }
            return true;
        } catch (SocketTimeoutException e) {
            if (engineIo.active()) {
                // netty-socketio, for one, leaves WebSocket pings unanswered: Engine.IO's heartbeat is its clients' check.
                run.pong = true;
                run.checks.put("ping", Check.passed("ping", "no pong within " + options.timeout().toMillis() + " ms, but the"
                        + " endpoint speaks Engine.IO (Socket.IO), whose clients do not ping: its own heartbeat is the check; "
                        + engineIo.describe(), since(start)));
                return true;
            }
            unanswered(wire, start, data[0]);
        } catch (Wire.CutFrame e) {
            run.fail("ping", e.getMessage() + " " + millis(start) + " after the upgrade (" + wire.received() + " bytes received)",
                    start, StreamFindings.cutAfterBytes(wire.received(), "in the middle of a frame after the upgrade", endpoint.secure()));
        } catch (EOFException e) {
            run.fail("ping", "TCP closed without a close frame " + millis(start) + " after the upgrade", start,
                    new Finding(Cause.DROPPED_AFTER_UPGRADE,
                            "The connection was closed right after the upgrade without a close frame (clients report 1006).",
                            "Look at the server's and proxy's logs for why it closes at once.",
                            Fixes.fault("reset", "@ResetConnection (closest: it resets instead of closing)", "Faults.resetConnection()")));
        } catch (IOException e) {
            run.fail("ping", e.getClass().getName() + ": " + e.getMessage() + " " + millis(start) + " after the upgrade", start,
                    new Finding(Cause.RESET_AFTER_UPGRADE,
                            "The connection was reset right after the upgrade (clients report 1006 / \"Connection reset\"):"
                                    + " a crash, or a middlebox evicting the connection.",
                            "Look at the server's log for a crash; clients must reconnect with backoff.",
                            Fixes.fault("reset", "@ResetConnection", "Faults.resetConnection()")));
        }
        return false;
    }

    private void closedAfterUpgrade(Wire.Frame frame, long start) {
        String reason = frame.closeReason();
        String code = frame.closeCode() + (reason.isEmpty() ? "" : ":" + reason);
        run.fail("ping", "close frame " + frame.closeCode() + " '" + reason + "' " + millis(start) + " after the upgrade",
                start, new Finding(Cause.CLOSED_AFTER_UPGRADE,
                        "The server sent close " + frame.closeCode() + " '" + reason + "' right after the upgrade"
                                + " (1001 going away: a deploy; 1012 restart; 1013 try again later; 1011 server error;"
                                + " 1008 policy, often authentication).",
                        "Clients must reconnect with backoff on 1001/1012/1013; find why the server closes (its log).",
                        new Reproduction("close-with-code=" + code,
                                "@CloseWithCode(value = " + frame.closeCode() + ", reason = \"" + reason + "\")",
                                "Faults.closeWithCode(" + frame.closeCode() + ", \"" + reason + "\")", "")));
    }

    /**
     * A ping got no pong: dropped control frames, or a half-open connection? The closing handshake, which every
     * WebSocket server answers, is the probe; with {@code --echo} a short text message first. No data message is
     * sent without {@code --echo}: to a server that does not echo, it is a request.
     */
    private void unanswered(Wire wire, long start, int data) {
        String noPong = "ping sent; no pong within " + options.timeout().toMillis() + " ms (TCP still open)"
                + (data > 0 ? "; " + data + " data frames came from the server meanwhile" : "");
        boolean echoed = false;
        String echo = "";
        if (options.echo()) {
            options.progress().accept("echo: does a text message get through? ...");
            long echoStart = System.nanoTime();
            EchoProbe probe = EchoProbe.send(wire, SHORT_MESSAGE, options.timeout());
            echoed = probe.kind() == EchoProbe.Kind.ECHOED;
            echo = "the test message " + probe.describe(options.timeout());
            run.checks.put("echo", new Check("echo", echoed ? CheckStatus.PASSED : CheckStatus.FAILED, echo + ECHO_ASSUMPTION,
                    since(echoStart)));
            if (!echoed && probe.kind() != EchoProbe.Kind.TIMED_OUT) {
                run.fail("ping", noPong + "\n" + echo, start,
                        StreamFindings.notEchoed(probe, wire.received(), endpoint.secure(), options.timeout()));
                return;
            }
        }
        options.progress().accept("ping unanswered: is the closing handshake answered? ...");
        long closeStart = System.nanoTime();
        String close;
        boolean closeAnswered = false;
        boolean closedByServer = false;
        try {
            wire.sendClose(1000);
            Wire.Frame frame = EchoProbe.await(wire, closeStart + options.timeout().toNanos(), Wire.Frame::isClose, new int[1]);
            closeAnswered = true;
            close = "our close frame was answered with close " + frame.closeCode() + " in " + millis(closeStart);
        } catch (SocketTimeoutException e) {
            close = "our close frame got no answer within " + options.timeout().toMillis() + " ms (TCP still open)";
        } catch (IOException e) {
            closedByServer = true;
            close = "TCP " + (e instanceof EOFException ? "closed" : "reset") + " without a close frame " + millis(closeStart)
                    + " after our close frame";
        }
        String evidence = noPong + (echo.isEmpty() ? "" : "\n" + echo) + "\n" + close;
        if (echoed || closeAnswered) {
            run.fail("ping", evidence, start, StreamFindings.swallowedPings(options.timeout(), echoed, closeAnswered));
            return;
        }
        // The server got our close and closed TCP: the way back is lost. Otherwise nothing we send is answered: the
        // way there is lost (the server's own frames may still arrive), or both ways, which looks the same.
        Direction lost = closedByServer ? Direction.DOWNSTREAM : Direction.UPSTREAM;
        run.fail("ping", evidence, start, StreamFindings.halfOpen(lost, data, options.echo()));
    }

    /** The {@code --echo} step on the upgraded connection; true when the connection is still usable. */
    boolean echo(Wire wire) {
        options.progress().accept("echo: a short text message, then " + LARGE_MESSAGE + " bytes ...");
        long start = System.nanoTime();
        EchoProbe small = EchoProbe.send(wire, SHORT_MESSAGE, options.timeout());
        if (small.kind() != EchoProbe.Kind.ECHOED) {
            run.fail("echo", "the short test message " + small.describe(options.timeout()) + ECHO_ASSUMPTION, start,
                    StreamFindings.notEchoed(small, wire.received(), endpoint.secure(), options.timeout()));
            return false;
        }
        byte[] large = new byte[LARGE_MESSAGE];
        Arrays.fill(large, (byte) 'w');
        long before = wire.received();
        EchoProbe big = EchoProbe.send(wire, large, options.timeout());
        String shortEcho = "a short text message was echoed in " + String.format(Locale.ROOT, "%.1f ms", small.nanos() / 1e6);
        String bigOne = "; the " + LARGE_MESSAGE + "-byte message ";
        switch (big.kind()) {
            case ECHOED -> {
                // The transfer is the large echo's time beyond the short one's; below a millisecond (or negative: the
                // short one was held up) it is lost in the round trip's own jitter, and a rate from it means nothing.
                long transfer = big.nanos() - small.nanos();
                String bigEcho = shortEcho + "; " + LARGE_MESSAGE + " bytes in " + String.format(Locale.ROOT, "%.1f ms", big.nanos() / 1e6);
                if (transfer < MEASURABLE_TRANSFER_NANOS) {
                    run.checks.put("echo", Check.passed("echo", bigEcho + " (no slower than the short message by 1 ms or more:"
                            + " no throughput measurable)" + ECHO_ASSUMPTION, since(start)));
                    return true;
                }
                double rate = LARGE_MESSAGE / (transfer / 1e9) / 1000;
                String evidence = bigEcho + String.format(Locale.ROOT, " (%.0f KB/s)", rate) + ECHO_ASSUMPTION;
                if (rate < THIN_LINK_KB_PER_SECOND) {
                    thinLink(start, evidence, LARGE_MESSAGE, transfer);
                } else {
                    run.checks.put("echo", Check.passed("echo", evidence, since(start)));
                }
                return true;
            }
            case CLOSE_FRAME -> run.checks.put("echo", Check.passed("echo", shortEcho + bigOne + big.describe(options.timeout())
                    + ": throughput not measured" + ECHO_ASSUMPTION, since(start)));
            case TIMED_OUT -> {
                long got = wire.received() - before;
                if (got == 0) {
                    run.fail("echo", shortEcho + bigOne + big.describe(options.timeout()) + ECHO_ASSUMPTION, start,
                            StreamFindings.notEchoed(big, wire.received(), endpoint.secure(), options.timeout()));
                } else {
                    thinLink(start, shortEcho + "; of the " + LARGE_MESSAGE + "-byte message only " + got + " bytes came back within "
                            + options.timeout().toMillis() + " ms" + ECHO_ASSUMPTION, got, options.timeout().toNanos());
                }
            }
            default -> run.fail("echo", shortEcho + bigOne + big.describe(options.timeout()) + " (" + wire.received()
                    + " bytes received in all)" + ECHO_ASSUMPTION, start,
                    StreamFindings.notEchoed(big, wire.received(), endpoint.secure(), options.timeout()));
        }
        return false;
    }

    private void thinLink(long start, String evidence, long bytes, long nanos) {
        long rate = Math.max(1, Math.round(bytes / (nanos / 1e9) / 1000));
        run.fail("echo", evidence + " (thin: less than " + THIN_LINK_KB_PER_SECOND + " KB/s)", start,
                StreamFindings.thinLink(LARGE_MESSAGE, rate));
    }

    /** The end of a good first connection: our close frame, drained until the server's. */
    void closingHandshake(Wire wire) {
        try {
            wire.sendClose(1000);
            int wait = Math.min(run.timeoutMillis, 1000);
            wire.socket().setSoTimeout(wait);
            long deadline = System.nanoTime() + wait * 1_000_000L;
            for (int i = 0; i < 100 && !wire.readFrame(deadline).isClose(); i++) {
                // drain until the server's close frame
            }
        } catch (IOException e) {
            // the checks are done; closing is a courtesy
        }
    }
}
