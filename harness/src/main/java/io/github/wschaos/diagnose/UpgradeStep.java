package io.github.wschaos.diagnose;

import static io.github.wschaos.diagnose.RunContext.SLOW_HANDSHAKE;
import static io.github.wschaos.diagnose.RunContext.millis;
import static io.github.wschaos.diagnose.RunContext.since;

import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code upgrade} step on the first connection: the upgrade request, and a {@code 101} with a valid
 * {@code Sec-WebSocket-Accept} (slow or not); for {@code ws://} whether the port speaks TLS after all. An upgrade
 * that gets no answer or is reset is asked one plain GET to tell a filter of WebSockets from an endpoint that drops
 * or refuses everything; any other answer goes to {@link UpgradeRejection}.
 */
final class UpgradeStep {

    private final RunContext run;
    private final DiagnosisOptions options;
    private final Endpoint endpoint;
    private final Connections connections;
    private final UpgradeRejection rejection;

    UpgradeStep(RunContext run, Connections connections, UpgradeRejection rejection) {
        this.run = run;
        this.options = run.options;
        this.endpoint = run.endpoint;
        this.connections = connections;
        this.rejection = rejection;
    }

    /** Upgrades {@code socket}; the upgraded connection, or null (and the socket closed) when the step failed. */
    Wire upgrade(Socket socket) {
        options.progress().accept("upgrade request " + endpoint.requestTarget() + " ...");
        long start = System.nanoTime();
        String key = Wire.newKey();
        Wire wire = null;
        Wire.Answer answer;
        try {
            wire = new Wire(socket);
            wire.sendUpgrade(endpoint, key, options.origin(), options.headers());
            answer = wire.readAnswer();
        } catch (IOException e) {
            Connections.close(socket);
            unanswered(e, wire == null ? 0 : wire.received(), start);
            return null;
        }
        run.server = answer.server();
        run.proxy = Fixes.proxy(answer);
        // The answer's time is the head's: a body that is slow to end (a kept-alive connection) is not the server's delay.
        Duration took = answer.since(start);
        String via = answer.header("Via");
        String names = (run.server.isEmpty() ? "" : "Server: " + run.server) + (via == null ? ""
                : (run.server.isEmpty() ? "" : ", ") + "Via: " + via);
        String seen = answer.statusLine() + (names.isEmpty() ? "" : " (" + names + ")") + " in " + answer.millisSince(start);
        String tlsPortWords = plainHttpToTlsPort(answer);
        if (!endpoint.secure()) {
            if (answer.tlsByte() >= 0) {
                wire.close();
                tlsPort(answer.statusLine(), start);
                return null;
            }
            if (tlsPortWords != null) {
                wire.close();
                String what = answer.statusLine() + ", body: \"" + tlsPortWords + "\"";
                // The page may be relayed: a proxy that forwards plain HTTP to its upstream's TLS port passes on that
                // upstream's refusal. Only a port that completes a TLS handshake itself is a TLS port.
                String tls = via == null ? tlsProbe("the answer says plain HTTP reached a TLS port") : null;
                if (tls != null) {
                    tlsPort(what + "; a TLS handshake on a new connection got "
                            + (tls.equals("a certificate") ? tls : "through (" + tls + ")"), start);
                    return null;
                }
                run.checks.put("TLS", Check.passed("TLS", "none expected (ws://); the port answers plain HTTP", Duration.ZERO));
                run.fail("upgrade", seen + "\nbody: \"" + tlsPortWords + "\"\n" + (via != null
                        ? "the answer came through the proxy its Via header names"
                        : "a TLS handshake on a new connection to port " + endpoint.port() + " failed: the port speaks plain HTTP"),
                        start, plainToTlsUpstream(answer, tlsPortWords, via != null
                                ? "it came through the proxy its Via header names (" + via + ")"
                                : "port " + endpoint.port() + " of this URL does not complete a TLS handshake"));
                return null;
            }
            run.checks.put("TLS", Check.passed("TLS", "none expected (ws://); the port answers plain HTTP", Duration.ZERO));
        } else if (tlsPortWords != null) {
            wire.close();
            run.fail("upgrade", seen + "\nbody: \"" + tlsPortWords + "\"", start, plainToTlsUpstream(answer, tlsPortWords,
                    "this request reached port " + endpoint.port() + " over TLS already (wss://)"));
            return null;
        }
        if (answer.status() == 101) {
            return upgraded(wire, answer, key, seen, start, took);
        }
        wire.close();
        rejection.rejected(answer, seen, start);
        return null;
    }

    /**
     * The words of a TLS server's answer to plain HTTP on its port (nginx's, Apache's, Go's and so Caddy's), or null
     * when {@code answer} has none of them.
     */
    private static String plainHttpToTlsPort(Wire.Answer answer) {
        for (String words : new String[] {"The plain HTTP request was sent to HTTPS port",
                "You're speaking plain HTTP to an SSL-enabled server port", "Client sent an HTTP request to an HTTPS server"}) {
            if (answer.body().contains(words)) {
                return words;
            }
        }
        return null;
    }

    /**
     * A TLS server's refusal of plain HTTP ({@code words}) that the URL's own port cannot have sent ({@code why}): a
     * proxy in front forwards plain HTTP to an upstream port that speaks TLS.
     */
    private Finding plainToTlsUpstream(Wire.Answer answer, String words, String why) {
        String server = answer.server().isEmpty() ? "" : " (Server: " + answer.server() + ")";
        String path = endpoint.uri().getRawPath();
        return new Finding(Cause.PROXY_PLAIN_TO_TLS_UPSTREAM,
                answer.status() + " with \"" + words + "\": a TLS server's answer to plain HTTP on its port" + server
                        + ", but " + why + ". So the answer comes from behind a proxy: the proxy in front forwards plain HTTP"
                        + " to an upstream port that speaks TLS (its upstream is written http:// where that port wants"
                        + " https://). Switching this URL between ws:// and wss:// does not change it.",
                "Have the proxy speak TLS to its upstream: nginx proxy_pass https://UPSTREAM:PORT; (proxy_ssl_server_name on;"
                        + " proxy_ssl_verify on with proxy_ssl_trusted_certificate to verify it); Apache ProxyPass \"" + path
                        + "\" \"https://UPSTREAM:PORT" + path + "\" upgrade=websocket with SSLProxyEngine on (a2enmod ssl;"
                        + " SSLProxyCACertificateFile for a private authority); haproxy server ... ssl verify required ca-file"
                        + " ca.pem. Or point the proxy at a plain HTTP port of the upstream.",
                Fixes.status(answer.status()));
    }

    /** Fails the TLS step: the {@code ws://} URL's port speaks TLS ({@code what} tells how it showed). */
    private void tlsPort(String what, long start) {
        run.fail("TLS", "the port speaks TLS: " + what, start, new Finding(Cause.TLS_PORT_FOR_WS,
                "Port " + endpoint.port() + " expects TLS but the URL says ws://: " + what + ".",
                "Use wss://" + endpoint.hostHeader() + endpoint.requestTarget() + " (and port 443 for the default),"
                        + " or add a plain listener ("
                        + (run.server.startsWith("Apache") ? "Apache: a <VirtualHost *:80> without SSLEngine next to the one"
                                + " with SSLEngine on, and Listen 80; nginx: listen 80; next to listen 443 ssl;)."
                                : "nginx: listen 80; next to listen 443 ssl;; Apache: a <VirtualHost *:80> without SSLEngine"
                                        + " next to the one with SSLEngine on)."),
                Fixes.tls("tls-listener")));
    }

    /**
     * For {@code ws://} whose upgrade and plain GET were both closed at once without a byte (lighttpd's answer to plain
     * HTTP on its TLS port): whether a TLS handshake on a new connection gets a certificate. The protocol (or
     * "a certificate") when it does, null otherwise.
     */
    private String tlsProbe(String why) {
        if (endpoint.secure()) {
            return null;
        }
        options.progress().accept(why + ": does the port speak TLS? (a TLS handshake on a new connection) ...");
        DeadlineSocket socket = new DeadlineSocket();
        RecordingTrust trust = new RecordingTrust(options.trust(), true);
        try {
            socket.connect(new java.net.InetSocketAddress(run.address, endpoint.port()), run.timeoutMillis);
            javax.net.ssl.SSLSocket ssl = connections.sslSocket(socket, trust);
            connections.handshake(ssl, socket);
            String protocol = ssl.getSession().getProtocol();
            Connections.close(ssl);
            return protocol;
        } catch (IOException | RuntimeException e) {
            Connections.close(socket);
            return trust.leaf() != null ? "a certificate" : null;
        }
    }

    /** The upgrade request got no answer, a cut one, or a reset ({@code e}) after {@code received} bytes. */
    private void unanswered(IOException e, long received, long start) {
        long silent = System.nanoTime() - start;
        String evidence = "request sent; " + e.getClass().getName() + ": " + e.getMessage() + " after " + millis(start);
        if (e instanceof Wire.Stalled stalled && stalled.partial().length > 0) {
            // An answer began: not a filter that drops the upgrade, so no plain GET.
            String text = new String(stalled.partial(), java.nio.charset.StandardCharsets.ISO_8859_1);
            if (!endpoint.secure() && (text.startsWith("HTTP/") || "HTTP/".startsWith(text))) {
                run.checks.put("TLS", Check.passed("TLS", "none expected (ws://); the port answers plain HTTP", Duration.ZERO));
            } else {
                plainPortUnknown();
            }
            run.fail("upgrade", "request sent; " + stalled.arrived() + (stalled.trickling()
                    ? ", still coming a few bytes at a time when the timeout of " + options.timeout().toMillis() + " ms passed"
                    : ", then nothing more within the timeout of " + options.timeout().toMillis() + " ms (TCP still open)"),
                    start, StreamFindings.stalledAnswer(stalled, options.timeout()));
            return;
        }
        plainPortUnknown();
        if (e instanceof SocketTimeoutException) {
            String silence = "request sent; no answer within " + options.timeout().toMillis() + " ms (TCP still open)";
            PlainGet plain = plainGet("the upgrade got no answer");
            run.fail("upgrade", silence + "\n" + plain.evidence(), start,
                    plain.answered() ? websocketsFiltered(null, plain, silent)
                            : StreamFindings.noAnswer("the upgrade request", options.timeout()));
        } else if (e instanceof EOFException && received > 0) {
            run.fail("upgrade", evidence, start, StreamFindings.cutAfterBytes(received, "in the middle of the answer to the upgrade request",
                    endpoint.secure()));
        } else if (received == 0 && run.silentFor(start)) {
            String seen = "request sent; no answer, then " + (e instanceof EOFException ? "TCP closed (FIN, nothing sent)"
                    : e.getClass().getName() + ": " + e.getMessage()) + " after " + millis(start);
            // A reset that comes late (a filter that is slow to decide, a cold proxy) is asked the same question.
            PlainGet plain = e instanceof EOFException ? null : plainGet("the upgrade was reset");
            run.fail("upgrade", plain == null ? seen : seen + "\n" + plain.evidence(), start,
                    plain != null && plain.answered() ? websocketsFiltered(e, plain, silent)
                            : StreamFindings.afterSilence(e, silent, "the upgrade request went out"));
        } else if (received == 0) {
            PlainGet plain = plainGet("the upgrade was reset");
            String tls = plain.answered() ? null : tlsProbe("closed without an answer");
            if (tls != null) {
                tlsPort("the upgrade request and a plain GET were " + (e instanceof EOFException ? "closed" : "reset")
                        + " without an answer (lighttpd closes plain HTTP on its TLS port so), while a TLS handshake on a new"
                        + " connection got "
                        + (tls.equals("a certificate") ? tls : "through (" + tls + ")"), start);
                return;
            }
            run.fail("upgrade", evidence + "\n" + plain.evidence(), start,
                    plain.answered() ? websocketsFiltered(e, plain, silent) : StreamFindings.resetBeforeAnswer());
        } else {
            run.fail("upgrade", evidence, start, StreamFindings.resetBeforeAnswer());
        }
    }

    /** A {@code 101}: valid or not, slow or not; the connection when it is a valid one. */
    private Wire upgraded(Wire wire, Wire.Answer answer, String key, String seen, long start, Duration took) {
        List<Problem> invalid = invalid(answer, key);
        if (!invalid.isEmpty()) {
            wire.close();
            run.fail("upgrade", seen + "\n" + String.join("\n", invalid.stream().map(Problem::what).toList()),
                    start, new Finding(Cause.NOT_A_WEBSOCKET_ANSWER,
                            "The 101 is not a valid WebSocket handshake, and RFC 6455 (section 4.1) has a client fail the"
                                    + " connection: " + Problem.explain(invalid) + ". Something between rewrites or"
                                    + " invents the answer, or the server's handshake is wrong. No wschaos fault rewrites"
                                    + " a 101's headers.",
                            "Let the WebSocket server answer the handshake; a proxy must relay 101 with its headers unchanged.", null));
            return null;
        }
        List<Problem> refused = refusedBySome(answer);
        run.originSent = options.origin() != null;
        run.workingOrigin = options.origin();
        run.handshakeNanos = took.toNanos();
        if (took.compareTo(SLOW_HANDSHAKE) > 0) {
            run.checks.put("upgrade", Check.failed("upgrade", seen + " (slow: more than " + SLOW_HANDSHAKE.toMillis() + " ms)"
                    + "\nSec-WebSocket-Accept valid", took));
            run.findings.add(slowHandshake(took.toNanos(), 0));
        } else {
            run.checks.put("upgrade", Check.passed("upgrade", seen + "\nSec-WebSocket-Accept valid", took));
        }
        if (!refused.isEmpty()) {
            // The connection is usable (by the clients that accept it): the steps after it go on.
            Check check = run.checks.get("upgrade");
            run.fail("upgrade", check.evidence() + "\n" + String.join("\n", refused.stream().map(Problem::what).toList()),
                    start, new Finding(Cause.SOME_CLIENTS_REJECT_101,
                            "The 101 is one some WebSocket clients fail and others accept: " + Problem.explain(refused)
                                    + ". No wschaos fault rewrites a 101's headers.",
                            "Answer as every client expects: " + String.join("; ", refused.stream().map(problem -> problem.what()
                                    .startsWith("the status line") ? "answer HTTP/1.1 101"
                                    : "select one of the subprotocols the client offers (or refuse the handshake when none fits)")
                                    .toList()) + ".", null));
        }
        return wire;
    }

    /** What in a 101 is wrong (the evidence) and which clients fail the connection for it. */
    private record Problem(String what, String who) {

        static String explain(List<Problem> problems) {
            return String.join("; ", problems.stream().map(problem -> problem.what() + ": " + problem.who()).toList());
        }
    }

    /**
     * What in the 101 fails RFC 6455's client checks (section 4.1), each with the clients that fail it; empty when
     * it passes them.
     */
    private List<Problem> invalid(Wire.Answer answer, String key) {
        List<Problem> problems = new ArrayList<>();
        String upgrade = answer.header("Upgrade");
        if (upgrade == null || !upgrade.trim().equalsIgnoreCase("websocket")) {
            problems.add(new Problem((upgrade == null ? "no Upgrade header" : "Upgrade: " + upgrade) + " (RFC 6455 wants Upgrade: websocket)",
                    "clients fail the connection" + (upgrade == null ? " (Chrome: \"'Upgrade' header is missing\")" : "")));
        }
        String connection = answer.header("Connection");
        if (connection == null || !tokens(connection.toLowerCase(Locale.ROOT)).contains("upgrade")) {
            problems.add(new Problem((connection == null ? "no Connection header" : "Connection: " + connection)
                    + " (RFC 6455 wants Connection: Upgrade)", "Node ws, Python websockets and the JDK's HttpClient fail the connection"));
        }
        String accept = answer.header("Sec-WebSocket-Accept");
        String expected = Wire.expectedAccept(key);
        if (!expected.equals(accept == null ? null : accept.trim())) {
            problems.add(new Problem((accept == null ? "no Sec-WebSocket-Accept header" : "Sec-WebSocket-Accept: " + accept)
                    + " (expected " + expected + ")", "browsers report \"Incorrect 'Sec-WebSocket-Accept' header value\""));
        }
        List<String> offered = tokens(requested("Sec-WebSocket-Protocol"));
        String protocol = answer.header("Sec-WebSocket-Protocol");
        if (protocol != null && !offered.contains(protocol.trim())) {
            problems.add(new Problem("Sec-WebSocket-Protocol: " + protocol + ", not offered (" + (offered.isEmpty() ? "the request offered none"
                    : "the request offered " + String.join(", ", offered)) + ")", "Node ws, Python websockets and the JDK's"
                    + " HttpClient fail the connection"));
        }
        String extensions = answer.header("Sec-WebSocket-Extensions");
        if (extensions != null) {
            List<String> offeredExtensions = extensionNames(requested("Sec-WebSocket-Extensions"));
            List<String> notOffered = extensionNames(extensions).stream().filter(name -> !offeredExtensions.contains(name)).toList();
            if (!notOffered.isEmpty()) {
                problems.add(new Problem("Sec-WebSocket-Extensions: " + extensions + ", not offered (" + (offeredExtensions.isEmpty()
                        ? "the request offered none" : "the request offered " + String.join(", ", offeredExtensions)) + ")",
                        "a client that did not offer " + String.join(", ", notOffered) + " fails the connection (the JDK's"
                        + " HttpClient, which offers no extension); clients that offered it themselves (browsers, Node ws"
                        + " and Python websockets offer permessage-deflate) accept it"));
            }
        }
        return problems;
    }

    /** What in a 101 that passes RFC 6455's checks some clients still fail, each with the clients that fail it. */
    private List<Problem> refusedBySome(Wire.Answer answer) {
        List<Problem> problems = new ArrayList<>();
        if (!answer.statusLine().startsWith("HTTP/1.1 ")) {
            problems.add(new Problem("the status line is " + answer.statusLine().split(" ", 2)[0] + ", not HTTP/1.1 (RFC 6455's"
                    + " server answers HTTP/1.1 101)", "Python websockets fails the connection"));
        }
        List<String> offered = tokens(requested("Sec-WebSocket-Protocol"));
        if (!offered.isEmpty() && answer.header("Sec-WebSocket-Protocol") == null) {
            problems.add(new Problem("no Sec-WebSocket-Protocol header though the request offered " + String.join(", ", offered),
                    "Node ws fails the connection (\"Server sent no subprotocol\") and so does Chrome (\"Sent non-empty"
                    + " 'Sec-WebSocket-Protocol' header but no response was received\"); Python websockets and the JDK's"
                    + " HttpClient accept it (RFC 6455 lets a server select none)"));
        }
        return problems;
    }

    /** The value of the request header {@code name} given with {@code --header}, or null. */
    private String requested(String name) {
        return options.headers().entrySet().stream().filter(header -> header.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    /** The comma-separated tokens of a header value, trimmed; empty for null. */
    private static List<String> tokens(String value) {
        return value == null ? List.of() : Arrays.stream(value.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
    }

    /** The extension names of a {@code Sec-WebSocket-Extensions} value (parameters dropped), lower case. */
    private static List<String> extensionNames(String value) {
        return tokens(value).stream().map(extension -> extension.split(";", 2)[0].trim().toLowerCase(Locale.ROOT)).toList();
    }

    private void plainPortUnknown() {
        if (!endpoint.secure() && !run.checks.containsKey("TLS")) {
            run.checks.put("TLS", Check.passed("TLS", "none expected (ws://); whether the port speaks TLS is unknown: no answer",
                    Duration.ZERO));
        }
    }

    private PlainGet plainGet(String why) {
        return PlainGet.send(run, connections, why);
    }

    /**
     * The upgrade dropped ({@code ended} null), or ended by {@code ended} (a reset, or a close without a byte: nginx's
     * {@code return 444}), while a plain GET to the same URL was answered.
     */
    private Finding websocketsFiltered(IOException ended, PlainGet plain, long silentNanos) {
        String status = plain.answer().statusLine();
        boolean reset = ended != null;
        boolean closed = ended instanceof EOFException;
        String upgrade = reset ? "The connection was " + (closed ? "closed (a FIN, not a reset)" : "reset")
                + " after the upgrade request went out (after " + silentNanos / 1_000_000 + " ms), before any answer,"
                : "The upgrade request got no answer within " + options.timeout().toMillis() + " ms,";
        String onTls = endpoint.secure() && endpoint.port() == 443
                ? " This already is wss:// on 443, so the filter sees inside TLS: a TLS-intercepting corporate proxy, or the"
                        + " server's own front (load balancer, CDN, ingress) that terminates TLS."
                : " Use wss:// on port 443: most corporate proxies and firewalls pass TLS through opaquely (CONNECT) and"
                        + " cannot see the upgrade to filter it.";
        return new Finding(Cause.WEBSOCKETS_FILTERED,
                upgrade + " but a plain GET to the same URL (no Upgrade headers) was answered: " + status + ". Something"
                        + " between lets plain HTTP through and " + (closed ? "closes" : reset ? "resets" : "drops")
                        + " WebSocket upgrades: a firewall or IPS that inspects the traffic, a corporate proxy, or a load"
                        + " balancer, CDN or ingress without WebSocket support on this route (less often: a server whose"
                        + " WebSocket handler is stuck while its HTTP handler answers)"
                        + (closed ? "; nginx closes them so with return 444 for upgrades" : "") + ". Clients see the handshake "
                        + (closed ? "fail, the connection closed without an answer" : reset ? "fail with a reset" : "time out")
                        + "; Socket.IO and SockJS fall back to long-polling and look connected.",
                "Find what sits between the client and " + endpoint.host() + " and let WebSockets through: it must pass the"
                        + " Upgrade and Connection headers on (HTTP/1.1) and keep the upgraded connection open (enable WebSocket"
                        + " support on the load balancer, CDN or ingress; ask the network's administrators to allow WebSocket"
                        + " traffic to " + endpoint.hostHeader() + ")." + onTls + " Where the network cannot be changed, give"
                        + " the client a long-polling fallback (Socket.IO's default transports, SockJS).",
                reset ? Fixes.fault("refuse@upgrades", "@RefuseConnections(upgradesOnly = true)",
                                "Faults.refuseConnections(), Target.upgrades()")
                        : Fixes.fault("blackhole@upgrades", "@Blackhole(upgradesOnly = true)", "Faults.blackhole(), Target.upgrades()"));
    }

    /**
     * The finding for a 101 that took {@code took} nanoseconds, {@code roundTrip} of which a slow round trip explains
     * (0 if none was measured): its reproduction delays the handshake by the rest, next to the latency toxic that
     * reproduces the round trip.
     */
    static Finding slowHandshake(long took, long roundTrip) {
        double seconds = took / 1_000_000_000.0;
        // Rounded down: the time measured includes the request's own, on top of the delay.
        String d = Fixes.floorTenths(took - roundTrip);
        return new Finding(Cause.SLOW_HANDSHAKE,
                "The 101 came after " + String.format(Locale.ROOT, "%.1f", seconds) + " s" + (roundTrip > 0
                        ? ", " + String.format(Locale.ROOT, "%.1f", (took - roundTrip) / 1_000_000_000.0) + " s more than a"
                        + " round trip" : "") + ": a client with a shorter handshake timeout gives up (a cold start, an"
                        + " overloaded server or a slow network).",
                "Give the client a handshake timeout above this (and a backoff), keep a warm instance, or find what"
                        + " the server does before answering the upgrade.",
                Fixes.fault("delay-handshake=" + d, "@DelayHandshake(\"" + d + "\")",
                        "Faults.delayHandshake(Durations.parse(\"" + d + "\"))"));
    }
}
