package io.github.wschaos.diagnose;

import static io.github.wschaos.diagnose.RunContext.seconds;
import static io.github.wschaos.diagnose.RunContext.since;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

/**
 * The {@code idle} step: a connection held open without data; when it ends before the limit, whether a ping every
 * third of that time keeps another one open, and the timeout matched against known platform defaults, with the fix
 * and the fault that reproduces it.
 */
final class IdleStep {

    private final RunContext run;
    private final DiagnosisOptions options;
    private final Endpoint endpoint;
    private final Connections connections;

    IdleStep(RunContext run, Connections connections) {
        this.run = run;
        this.options = run.options;
        this.endpoint = run.endpoint;
        this.connections = connections;
    }

    /** Holds a connection open for up to the idle limit, with the origin that worked, and reports how it ended. */
    void idle() {
        Duration limit = options.idle();
        options.progress().accept("idle: holding a connection open without data for up to " + seconds(limit.toNanos()) + " ...");
        long start = System.nanoTime();
        IdleHold ending;
        try (Wire wire = connections.open(run.workingOrigin)) {
            Wire.Answer answer = wire.readAnswer();
            if (answer.status() != 101) {
                run.checks.put("idle", Check.failed("idle", "the idle connection's handshake got " + answer.statusLine(), since(start)));
                return;
            }
            ending = IdleHold.hold(wire, endpoint.uri(), limit, Duration.ZERO, "idle", options.progress());
        } catch (IOException e) {
            run.checks.put("idle", Check.failed("idle", "could not open the idle connection: " + e, since(start)));
            return;
        }
        if (ending.kind() == IdleHold.Kind.OPEN) {
            String heartbeat = ending.engineIoHeartbeat();
            run.checks.put("idle", Check.passed("idle", "still open after " + seconds(ending.nanos())
                    + (heartbeat.isEmpty() ? " without data" : " with no data but " + heartbeat)
                    + (ending.serverPings() > 0 ? " (the server sent " + ending.serverPings() + " pings, answered)" : ""), since(start)));
            return;
        }
        double observed = ending.sinceData() / 1e9;
        double production = observed / options.timeScale();
        String how = ending.describe() + (ending.engineIoHeartbeat().isEmpty() ? "" : "; " + ending.engineIoHeartbeat());
        // Do pings keep it open? One more connection, pinging every third of the timeout.
        Duration interval = Duration.ofMillis(Math.max(100, (long) (ending.sinceData() / 3e6)));
        Duration hold = Duration.ofNanos(Math.min(limit.toNanos(), 2 * ending.sinceData()));
        String pings;
        boolean pingsHelp;
        boolean pingsFailed = false; // tested, and the pinged connection ended too
        options.progress().accept("idle: does a ping every " + seconds(interval.toNanos()) + " keep it open? (up to "
                + seconds(hold.toNanos()) + ") ...");
        try (Wire wire = connections.open(run.workingOrigin)) {
            Wire.Answer answer = wire.readAnswer();
            IdleHold pinged = answer.status() == 101 ? IdleHold.hold(wire, endpoint.uri(), hold, interval, "idle with pings", options.progress()) : null;
            pingsHelp = pinged != null && pinged.kind() == IdleHold.Kind.OPEN;
            pingsFailed = pinged != null && !pingsHelp;
            pings = pinged == null ? "could not test pings: " + answer.statusLine()
                    : pingsHelp ? "a ping every " + seconds(interval.toNanos()) + " kept it open for " + seconds(pinged.nanos())
                            + " (" + pinged.pongs() + " pongs)"
                    : "pings every " + seconds(interval.toNanos()) + " did not help: " + pinged.describe() + " (" + pinged.pongs() + " pongs)";
        } catch (IOException e) {
            pingsHelp = false;
            pings = "could not test pings: " + e;
        }
        Fixes.Proxy proxy = run.proxy;
        String identified = "";
        if (proxy == Fixes.Proxy.UNKNOWN) {
            // A 101 relayed by Apache names nothing (no Server, no Via unless ProxyVia is on), but Apache puts its Server
            // header on a plain answer whose upstream sent none: one plain GET names the proxy whose timer to raise.
            PlainGet plain = PlainGet.send(run, connections, "the idle connection was cut: which proxy is in front?");
            if (plain.answered() && Fixes.proxy(plain.answer()) == Fixes.Proxy.APACHE) {
                proxy = Fixes.Proxy.APACHE;
                identified = "\n" + plain.evidence();
            }
        }
        run.checks.put("idle", Check.failed("idle", how + "\n" + pings + identified, since(start)));
        boolean reset = ending.kind() == IdleHold.Kind.RESET;
        // A reset is no platform's idle timeout (they end with a FIN): no profile is matched for it.
        PlatformTimeout known = reset ? null : PlatformTimeout.nearest(production, proxy);
        String platform = known == null ? null : known.description();
        String scaled = options.timeScale() == 1.0 ? "" : String.format(Locale.ROOT, " (%.1f s at time scale %s)", production, options.timeScale());
        String match = platform == null
                ? String.format(Locale.ROOT, "%.1f s%s. That matches no known platform default (within 10 %% of Heroku 55 s,"
                        + " nginx proxy_read_timeout 60 s, AWS ALB 60 s, Cloudflare 100 s)%s.", observed, scaled,
                        proxy == Fixes.Proxy.APACHE ? ": Apache's Timeout or ProxyTimeout, whichever is larger" : ": a configured timeout")
                : String.format(Locale.ROOT, "%.1f s%s. That matches %s.", observed, scaled, platform);
        // A matched platform default is reproduced at its nominal value: the observed one carries scheduling jitter.
        String d = Fixes.duration(known == null ? production : known.seconds());
        if (ending.kind() == IdleHold.Kind.CLOSE_FRAME) {
            run.findings.add(new Finding(Cause.IDLE_CLOSE,
                    "An idle connection was closed with close " + ending.code() + " '" + ending.reason() + "' after " + match
                            + " The server's own idle timeout (Jetty: 1001 \"Connection Idle Timeout\"). " + capitalize(pings) + ".",
                    "Send a heartbeat (ping or an application message) more often than every " + d
                            + ", or raise the server's idle timeout (Jetty: container.setIdleTimeout(...); Spring:"
                            + " setMaxSessionIdleTimeout).",
                    idleCloseReproduction(ending, d, pingsHelp)));
            return;
        }
        if (reset && pingsFailed) { // not an idle timer: a reset that comes that long after the upgrade whatever flows
            String after = Fixes.floorTenths((long) (ending.nanos() / options.timeScale()));
            run.findings.add(new Finding(Cause.IDLE_TIMEOUT,
                    "The connection was reset (clients report \"Connection reset\") after " + match + " "
                            + capitalize(pings) + ": traffic does not keep it open, so the reset comes that long after"
                            + " the upgrade whatever flows, not after idle time (a crashing server, a NAT or a middlebox"
                            + " that limits a connection's lifetime).",
                    "Reconnect with backoff on a reset, and find what resets the connection (the server's logs, the"
                            + " middlebox's connection lifetime).",
                    new Reproduction("reset=" + after, "@ResetConnection(after = \"" + after + "\")",
                            "Faults.resetConnection(Durations.parse(\"" + after + "\"))", "")));
            return;
        }
        String idleAnnotation = reset ? "@DropIdleConnections(value = \"" + d + "\", cut = IdleCut.RESET)"
                : "@DropIdleConnections(\"" + d + "\")";
        // A 60 s timeout behind a proxy whose Server header names neither nginx nor an ALB gets the plain fault: a
        // profile would name a proxy that the answer did not.
        String annotation = platform == null ? idleAnnotation
                : platform.startsWith("Heroku") ? "@ChaosProfile(Platform.HEROKU_ROUTER)"
                : proxy == Fixes.Proxy.NGINX ? "@ChaosProfile(Platform.NGINX_DEFAULTS)"
                : proxy == Fixes.Proxy.AWS_ALB ? "@ChaosProfile(Platform.AWS_ALB)"
                : idleAnnotation;
        String fault = "drop-idle=" + d + (reset ? ":reset" : "");
        String heartbeat = "Client: send a ping (or an application heartbeat) every " + Fixes.duration(production / 2)
                + " or more often" + (pingsHelp ? " (the probe showed pings keep it open)" : "") + ", and reconnect with backoff on "
                + (reset ? "a reset." : "1006.")
                + (ending.engineIoHeartbeat().isEmpty() ? ""
                        : "\nSocket.IO: its heartbeat is that traffic; set the server's pingInterval (25 s by default) under "
                                + Fixes.duration(production / 2) + ".");
        String fix = switch (proxy) {
            case NGINX -> "nginx: raise the timeout in the WebSocket location (traffic either way keeps it open):\n"
                    + "location " + endpoint.uri().getRawPath() + " {\n    proxy_read_timeout 3600s;\n    proxy_send_timeout 3600s;\n}\n"
                    + heartbeat;
            case APACHE -> "Apache: mod_proxy cuts an upgraded connection that is idle for the larger of Timeout and"
                    + " ProxyTimeout (Timeout is 60 s by default; a ProxyTimeout below Timeout does not shorten it), so raise"
                    + " both, in the server config or the VirtualHost that proxies the WebSocket:\n"
                    + "Timeout 3600\nProxyTimeout 3600\n" + heartbeat;
            case CADDY -> "Caddy: raise (or remove: Caddy has none by default) read_timeout in the reverse_proxy's transport:\n"
                    + "reverse_proxy backend:8080 {\n    transport http {\n        read_timeout 3600s\n    }\n}\n" + heartbeat;
            case LIGHTTPD -> "lighttpd: raise server.max-read-idle (60 s by default) and server.max-write-idle:\n"
                    + "server.max-read-idle = 3600\nserver.max-write-idle = 3600\n" + heartbeat;
            case HAPROXY -> "haproxy: raise timeout tunnel, the idle timeout of the upgraded connection (where it is not set,"
                    + " timeout client and timeout server apply to it too); timeout client still bounds the wait for the"
                    + " request before the upgrade:\n"
                    + "defaults\n    timeout client 30s\n    timeout tunnel 3600s\n" + heartbeat;
            case AWS_ALB -> "AWS ALB: aws elbv2 modify-load-balancer-attributes --load-balancer-arn ARN --attributes"
                    + " Key=idle_timeout.timeout_seconds,Value=3600\n" + heartbeat;
            default -> heartbeat + (platform != null && platform.startsWith("Heroku")
                    ? "\nHeroku's router timeout (55 s) cannot be changed: only traffic keeps the connection open." : "");
        };
        String cut = reset
                ? "reset (a TCP RST: clients report \"Connection reset\", as behind an Azure Load Balancer with TCP reset"
                        + " on idle, or haproxy with option nolinger)"
                : "cut without a close frame (clients report 1006)";
        run.findings.add(new Finding(Cause.IDLE_TIMEOUT,
                "An idle connection was " + cut + " after " + match + " " + capitalize(pings) + "."
                        + upstreamTimer(proxy, d),
                fix, new Reproduction(fault, annotation + (annotation.equals(idleAnnotation) ? "" : " or " + idleAnnotation),
                        reset ? "Faults.dropIdleConnections(Durations.parse(\"" + d + "\"), IdleTimer.ANY_DATA, IdleCut.RESET)"
                                : "Faults.dropIdleConnections(Durations.parse(\"" + d + "\"))", "")));
    }

    /**
     * For Caddy and lighttpd, whose idle timers only the upstream's data resets (Caddy's {@code read_timeout},
     * lighttpd's {@code server.max-read-idle}): pings cannot tell that timer from one that any data resets, since the
     * pongs come from the upstream; the upstream-only timer is given alongside.
     */
    private static String upstreamTimer(Fixes.Proxy proxy, String d) {
        String setting = proxy == Fixes.Proxy.CADDY ? "Caddy's reverse_proxy transport read_timeout"
                : proxy == Fixes.Proxy.LIGHTTPD ? "lighttpd's server.max-read-idle" : null;
        if (setting == null) {
            return "";
        }
        return " " + setting + " counts only data from the upstream, and pings cannot tell it from a timer that any data"
                + " resets (their pongs come from the upstream): if a client that sends while the server stays quiet is"
                + " cut too, reproduce it with --fault drop-idle=" + d + ":upstream"
                + " (Faults.dropIdleConnections(Durations.parse(\"" + d + "\"), IdleTimer.UPSTREAM_DATA)).";
    }

    private static String capitalize(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    /**
     * An idle close frame: a 1001 that traffic puts off is a server's idle timeout ({@code drop-idle=Ns:going-away},
     * which sends Jetty's reason); any other is a close with that code and reason that long after the upgrade.
     */
    private static Reproduction idleCloseReproduction(IdleHold ending, String d, boolean pingsHelp) {
        if (ending.code() == 1001 && pingsHelp) {
            return new Reproduction("drop-idle=" + d + ":going-away",
                    "@DropIdleConnections(value = \"" + d + "\", cut = IdleCut.GOING_AWAY)",
                    "Faults.dropIdleConnections(Durations.parse(\"" + d + "\"), IdleTimer.ANY_DATA, IdleCut.GOING_AWAY)", "");
        }
        return new Reproduction("close-with-code=" + ending.code() + "@" + d + (ending.reason().isEmpty() ? "" : ":" + ending.reason()),
                "@CloseWithCode(value = " + ending.code() + ", reason = \"" + ending.reason() + "\", after = \"" + d + "\")",
                "Faults.closeWithCode(" + ending.code() + ", \"" + ending.reason() + "\", Durations.parse(\"" + d + "\"))", "");
    }
}
