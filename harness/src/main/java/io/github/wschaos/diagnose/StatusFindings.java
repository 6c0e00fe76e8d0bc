package io.github.wschaos.diagnose;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The findings about an upgrade answered with a status instead of {@code 101}, where the status alone does not say
 * it all: a refusal of upgrades only (a plain GET is answered otherwise), a rate limit, and a {@code 502}/{@code 504}
 * that comes at once (the upstream is unreachable) or after the proxy's own upstream timeout.
 */
final class StatusFindings {

    /** A gateway error that comes this late is the proxy's own timeout, not an unreachable upstream. */
    static final Duration PROXY_TIMEOUT = Duration.ofSeconds(1);

    private StatusFindings() {
    }

    /**
     * The upgrade got {@code statusLine} ({@code why} says more, e.g. "whatever the Origin") while {@code plain}, a
     * plain GET of the same URL, was answered with another status: only upgrades are refused.
     */
    static Finding upgradesRefused(int status, String statusLine, String why, PlainGet plain, Fixes.Proxy proxy) {
        String by = proxy == Fixes.Proxy.UNKNOWN ? "" : " (the answer names " + proxy.label() + ")";
        return new Finding(Cause.UPGRADES_REFUSED,
                "The upgrade request got " + statusLine + why + ", but a plain GET of the same URL (no Upgrade headers)"
                        + " got " + plain.answer().statusLine() + ": only WebSocket upgrades are refused. A rule in front"
                        + by + " refuses them (haproxy http-request deny if { req.hdr(upgrade) -i websocket }, a WAF's"
                        + " WebSocket policy, a load balancer or CDN without WebSocket support on this route), or the"
                        + " server's WebSocket handler refuses what its HTTP handler lets through (a token or cookie"
                        + " it wants). Clients see \"Unexpected response code: " + status + "\"; Socket.IO and SockJS"
                        + " fall back to long-polling and look connected.",
                "Find the rule that answers " + status + " to requests with Upgrade: websocket (the proxy's or WAF's"
                        + " configuration, its log) and let WebSocket upgrades to this path through; if it is the server,"
                        + " send what its WebSocket handler wants (--header, a cookie, a token in the query).",
                Fixes.fault("respond-with-status@upgrades=" + status, "@RespondWithStatus(value = " + status + ", upgradesOnly = true)",
                        "Faults.respondWithStatus(" + status + "), Target.upgrades()"));
    }

    /**
     * The upgrade got {@code refusal} ({@code why} says more, e.g. "whatever the Origin") while a plain GET of the same
     * URL got the WebSocket server's own answer to a request without Upgrade ({@code serverSaw} says whose): the server
     * itself refused the upgrade, not a rule in front.
     */
    static Finding serverRefused(Wire.Answer refusal, String why, PlainGet plain, String serverSaw) {
        int status = refusal.status();
        String subprotocol = subprotocolWanted(refusal);
        return new Finding(Cause.SERVER_REFUSED_UPGRADE,
                "The upgrade request got " + refusal.statusLine() + why + ", and a plain GET of the same URL (no Upgrade"
                        + " headers) got " + plain.answer().statusLine() + ": " + serverSaw + ". So the requests reach the"
                        + " WebSocket server, and it refuses the upgrade itself"
                        + (subprotocol != null ? ": " + subprotocol
                                : ": it wants something the handshake did not carry (a cookie, a token, credentials, a"
                                        + " subprotocol), its verifyClient / handshake interceptor refuses this client, or it"
                                        + " serves WebSockets at another path (Node's ws, given path:, answers 400 to an"
                                        + " upgrade at any other path).")
                        + " Clients see \"Unexpected response code: " + status + "\".",
                (subprotocol != null ? "Send the subprotocol the server expects: --header \"Sec-WebSocket-Protocol: NAME\""
                        + " (new WebSocket(url, [\"NAME\"]) in a browser). " : "")
                        + "Look up why the server refuses (its log, its verifyClient or handshake interceptor) and send what"
                        + " it wants with the handshake (--header Cookie:..., --header Authorization:..., a token in the query);"
                        + " check the path against the one the server serves WebSockets at (Node ws: its path option).",
                Fixes.status(status));
    }

    /**
     * What an answer says about a subprotocol the server wants ("Subprotocol required", a mention of
     * Sec-WebSocket-Protocol), or null when it says nothing of one.
     */
    static String subprotocolWanted(Wire.Answer answer) {
        String text = (answer.statusLine() + " " + answer.body()).toLowerCase(Locale.ROOT);
        if (!text.contains("subprotocol") && !text.contains("sec-websocket-protocol")) {
            return null;
        }
        String body = answer.body().replaceAll("\\s+", " ").trim();
        return "its answer (\"" + (body.length() > 80 ? body.substring(0, 80) + "..." : body) + "\") asks for a subprotocol:"
                + " the handshake must carry a Sec-WebSocket-Protocol header with one the server accepts.";
    }

    /**
     * A {@code 429} to {@code what} ("the upgrade request", "the handshake with Origin X"), with the server's
     * {@code Retry-After} (null when none) in the reproduction.
     */
    static Finding rateLimited(String what, Wire.Answer answer, int handshakes) {
        String retry = answer.header("Retry-After");
        return new Finding(Cause.RATE_LIMITED,
                "429: " + what + " was rate limited" + (handshakes > 1 ? " (handshake " + handshakes + " of this run)" : "")
                        + (retry == null ? " (no Retry-After)" : " (Retry-After: " + retry + ")") + ": too many connections"
                        + " or requests from this address. Clients that reconnect quickly (a reconnect storm after a"
                        + " deploy) are refused the same way.",
                "Reconnect with an exponential backoff and jitter, honouring Retry-After; check the limit (haproxy"
                        + " sc_http_req_rate, nginx limit_req, the CDN's or API gateway's rate limiting).",
                retry == null ? Fixes.status(429)
                        : Fixes.fault("respond-with-status=429;Retry-After: " + retry,
                                "@RespondWithStatus(value = 429, headers = \"Retry-After: " + retry + "\")",
                                "Faults.respondWithStatus(429, Map.of(\"Retry-After\", \"" + retry + "\"), \"\")"));
    }

    /**
     * A {@code 502}, {@code 503}, {@code 504} or {@code 52x} from {@code proxy} ({@code server} its Server header)
     * after {@code after}: at once, the upstream is unreachable; a 502/504 after a second or more is the proxy's own
     * upstream timeout, reproduced with the delay in front of the status.
     */
    static Finding gatewayError(int status, Duration after, Wire.Answer answer, Fixes.Proxy proxy) {
        String from = proxy != Fixes.Proxy.UNKNOWN ? proxy.label()
                : answer.server().isEmpty() ? "the proxy in front" : answer.server();
        String retry = answer.header("Retry-After") == null ? "" : " (Retry-After: " + answer.header("Retry-After") + ")";
        if ((status == 502 || status == 504) && after.compareTo(PROXY_TIMEOUT) >= 0) {
            long seconds = Math.max(1, Math.round(after.toMillis() / 1000.0)); // 2.9 s is a 3 s timeout
            String s = seconds + "s";
            return new Finding(Cause.UPSTREAM_TIMEOUT,
                    status + " from " + from + " after " + String.format(Locale.ROOT, "%.1f", after.toMillis() / 1000.0)
                            + " s: the proxy reached its upstream, waited for its answer to the upgrade and gave up at its"
                            + " own timeout (" + timeoutSetting(proxy) + "). The upstream accepted the request but did not"
                            + " answer in time: hung, overloaded, or slow to start." + retry,
                    timeoutFix(proxy) + " Clients should give the handshake a timeout and retry with backoff.",
                    new Reproduction("delay-handshake=" + s + " --fault respond-with-status=" + status,
                            "@DelayHandshake(\"" + s + "\") @RespondWithStatus(" + status + ")",
                            "Faults.delayHandshake(Durations.parse(\"" + s + "\"))); proxy.inject(Faults.respondWithStatus("
                                    + status + ")", ""));
        }
        String reason = apacheReason(answer);
        if (status == 502 && "Error reading from remote server".equals(reason)) {
            // Apache's refused connect is a 503 (AH00957, AH01114); this 502 comes after the connect succeeded.
            return new Finding(Cause.UPSTREAM_CLOSED_WITHOUT_ANSWER,
                    "502 Proxy Error from Apache at once, its page giving the reason \"Error reading from remote server\":"
                            + " Apache connected to its upstream and sent the upgrade request, and the upstream closed or reset"
                            + " that connection without answering. The upstream is up and listening (a refused connect is"
                            + " Apache's 503, with AH00957 in its error_log), but it drops this request: it crashed or restarted"
                            + " while handling it, it closes upgrade requests it does not accept, another service (or a TLS"
                            + " listener that closes plain HTTP) listens on the ProxyPass port, or it closed a kept-alive"
                            + " connection Apache reused at the same moment." + retry,
                    "Look in Apache's error_log for \"AH01102: error reading status line from remote server\" (with"
                            + " \"(104)Connection reset by peer\" for a reset) followed by \"AH00898: Error reading from remote"
                            + " server\", and in the upstream's log for this request; check that the ProxyPass address is the"
                            + " WebSocket server's own HTTP port (not another service, not a TLS port: that wants ProxyPass"
                            + " https:// with SSLProxyEngine on). If it happens only now and then, the upstream closes idle"
                            + " connections Apache reuses: give the upstream a longer keep-alive timeout than Apache's, or"
                            + " disablereuse=On on the ProxyPass; clients should retry with backoff.",
                    Fixes.status(502));
        }
        return new Finding(Cause.UPSTREAM_UNAVAILABLE,
                status + " from " + from + ": it cannot reach its upstream (down, restarting, wrong upstream address, or"
                        + " overloaded)" + retry + ".",
                "Check the upstream is up and reachable from the proxy (" + connectError(proxy) + "); clients should retry"
                        + " with backoff.",
                answer.header("Retry-After") == null ? Fixes.status(status)
                        : Fixes.status(status, Map.of("Retry-After", answer.header("Retry-After"))));
    }

    /**
     * Apache's {@code status} (500) page "Error during SSL Handshake with remote server": its own TLS handshake with
     * its {@code https://} (or {@code wss://}) upstream failed; this URL's TLS is not in question.
     */
    static Finding upstreamTlsFailed(int status) {
        return new Finding(Cause.UPSTREAM_TLS_FAILED,
                status + " Proxy Error from Apache, its page giving the reason \"Error during SSL Handshake with remote"
                        + " server\": Apache proxies to an https:// or wss:// upstream and its own TLS connection to that"
                        + " upstream failed. The upstream's certificate is not trusted by Apache (self-signed or from a private"
                        + " authority), has expired, or does not name the host in the ProxyPass (SSLProxyCheckPeerName), Apache"
                        + " and the upstream share no TLS version, or the upstream port speaks plain HTTP. The TLS of this"
                        + " URL itself is not in question: it is the hop behind Apache.",
                "Find the cause in Apache's error_log: \"AH00898: Error during SSL Handshake with remote server\", with"
                        + " ssl:info lines just before it (LogLevel ssl:info) such as \"AH02276: Certificate Verification:"
                        + " Error\" and \"AH02003: SSL Proxy connect failed\". Then, in the VirtualHost: SSLProxyEngine on;"
                        + " let Apache trust the upstream's authority (SSLProxyCACertificateFile /path/to/ca.pem) or give"
                        + " the upstream a certificate from a public authority; renew an expired one; write the ProxyPass host"
                        + " as a name in the upstream's certificate (or SSLProxyCheckPeerName off where it is reached by"
                        + " address); allow a version the upstream speaks (SSLProxyProtocol all -SSLv3); an upstream that"
                        + " speaks plain HTTP wants ProxyPass http:// instead. Check the hop from the Apache host with"
                        + " openssl s_client -connect UPSTREAM:PORT -servername NAME.",
                Fixes.status(status));
    }

    private static final java.util.regex.Pattern APACHE_REASON =
            java.util.regex.Pattern.compile("Reason: (?:<strong>)?([^<]+)");

    /**
     * The reason Apache's own proxy error page gives ({@code <p>Reason: <strong>Error reading from remote
     * server</strong></p>}), or null when {@code answer} is no Apache page with one.
     */
    static String apacheReason(Wire.Answer answer) {
        java.util.regex.Matcher matcher = APACHE_REASON.matcher(answer.body());
        return answer.body().contains("//DTD HTML") && matcher.find() ? matcher.group(1).trim() : null;
    }

    private static String timeoutSetting(Fixes.Proxy proxy) {
        return switch (proxy) {
            case HAPROXY -> "haproxy's timeout server";
            case NGINX -> "nginx's proxy_read_timeout, 60 s by default";
            case APACHE -> "Apache's ProxyTimeout, or Timeout when it is not set";
            case CADDY -> "Caddy's reverse_proxy transport response_header_timeout or read_timeout";
            case VARNISH -> "Varnish's first_byte_timeout";
            default -> "haproxy's timeout server, nginx's proxy_read_timeout, Apache's Timeout or ProxyTimeout";
        };
    }

    private static String timeoutFix(Fixes.Proxy proxy) {
        String look = "Find why the upstream does not answer the upgrade (its log, a thread dump, its start-up time)";
        return switch (proxy) {
            case HAPROXY -> look + "; if it is only slow, raise timeout server in the backend (and timeout tunnel for the"
                    + " upgraded connection).";
            case NGINX -> look + " (nginx error.log: \"upstream timed out (110: Connection timed out) while reading response"
                    + " header from upstream\"); if it is only slow, raise proxy_read_timeout in the location.";
            case APACHE -> look + " (Apache error_log: \"AH01102: error reading status line from remote server\"); if it is"
                    + " only slow, raise ProxyTimeout (or timeout= on the ProxyPass).";
            default -> look + "; if it is only slow, raise the proxy's upstream timeout.";
        };
    }

    private static String connectError(Fixes.Proxy proxy) {
        return switch (proxy) {
            case NGINX -> "nginx error.log: \"connect() failed ... while connecting to upstream\"";
            case APACHE -> "Apache error_log: \"AH00957: HTTP: attempt to connect to ... failed\" and \"AH01114: HTTP: failed"
                    + " to make connection to backend\"";
            case HAPROXY -> "haproxy's log: a termination state starting with SC, and the server marked DOWN by its checks";
            case CADDY -> "Caddy's log: \"dial tcp ...: connect: connection refused\"";
            case UNKNOWN -> "the proxy's error log: nginx \"connect() failed ... while connecting to upstream\", Apache"
                    + " \"AH00957: HTTP: attempt to connect to ... failed\", haproxy a termination state starting with SC";
            default -> proxy.label() + "'s error log";
        };
    }
}
