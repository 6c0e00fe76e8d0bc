package io.github.wschaos.diagnose;

import static io.github.wschaos.diagnose.RunContext.since;

import java.util.Locale;

/**
 * What an answer other than {@code 101} to the upgrade request means: a proxy that does not pass the upgrade on, a
 * wrong path, credentials wanted, a rate limit, an upstream that cannot be reached, another protocol on the port, or
 * another status; a {@code 403} is handed to the {@link OriginStep}.
 */
final class UpgradeRejection {

    private final RunContext run;
    private final Endpoint endpoint;
    private final OriginStep origins;

    UpgradeRejection(RunContext run, OriginStep origins) {
        this.run = run;
        this.endpoint = run.endpoint;
        this.origins = origins;
    }

    /** Fails the upgrade step for {@code answer}, seen as {@code seen}. */
    void rejected(Wire.Answer answer, String seen, long start) {
        int status = answer.status();
        Fixes.Proxy proxy = Fixes.proxy(run.server);
        boolean ownPage = answer.body().contains("<hr><center>");
        String path = endpoint.uri().getRawPath();
        String bodyLine = firstLine(answer.body());
        String evidence = seen + (bodyLine.isEmpty() ? "" : "\nbody: " + bodyLine);
        String sawNoUpgrade = webSocketServerSawNoUpgrade(answer);
        if (sawNoUpgrade != null
                || ((status == 400 || status == 404 || status == 200) && proxy != Fixes.Proxy.UNKNOWN && !ownPage)) {
            String named = proxy == Fixes.Proxy.UNKNOWN ? "a proxy in front" : proxy.name().toLowerCase(Locale.ROOT).replace('_', ' ');
            String meaning = sawNoUpgrade != null ? sawNoUpgrade
                    : status + " from the upstream, relayed by " + named + ": the upstream saw a plain GET, not an upgrade"
                            + " (Jetty and Java-WebSocket answer 404, Spring 400)";
            run.fail("upgrade", evidence, start, new Finding(Cause.PROXY_WITHOUT_UPGRADE,
                    meaning + ". " + (proxy == Fixes.Proxy.UNKNOWN ? "A proxy in front" : "The proxy in front (" + named + ")") + " does not pass Upgrade and Connection on: nginx without"
                            + " proxy_http_version 1.1 and the Upgrade/Connection headers, an Apache without upgrade=websocket"
                            + " (mod_proxy_wstunnel), a corporate proxy.",
                    Fixes.upgradeFix(proxy, path),
                    proxy == Fixes.Proxy.NGINX
                            ? new Reproduction("strip-upgrade-headers",
                                    "@StripUpgradeHeaders (or @ChaosProfile(Platform.NGINX_WITHOUT_UPGRADE_CONFIGURATION))",
                                    "Faults.stripUpgradeHeaders()", "")
                            : Fixes.fault("strip-upgrade-headers", "@StripUpgradeHeaders", "Faults.stripUpgradeHeaders()")));
        } else if (status == 404) {
            run.fail("upgrade", evidence, start, new Finding(Cause.WRONG_PATH,
                    "404 for " + path + ": nothing handles WebSocket upgrades at this path"
                            + (ownPage ? " (the answer is a proxy's own error page: no route for it)" : "") + ".",
                    "Check the path against the server's WebSocket mapping (e.g. Spring registry.addHandler(handler, \""
                            + path + "\"), Socket.IO /socket.io/?EIO=4&transport=websocket) and the proxy's location.",
                    Fixes.status(404)));
        } else if (status == 403) {
            run.checks.put("upgrade", Check.failed("upgrade", evidence, since(start)));
            run.failedStep = "upgrade";
            origins.origins(false);
        } else if (status == 401) {
            run.fail("upgrade", evidence, start, new Finding(Cause.UNAUTHORIZED,
                    "401: the endpoint wants credentials the handshake did not carry"
                            + (answer.header("WWW-Authenticate") == null ? "" : " (WWW-Authenticate: " + answer.header("WWW-Authenticate") + ")")
                            + ". Browsers report \"HTTP Authentication failed; no valid credentials available\".",
                    "Send the credentials with the handshake (--header Authorization:..., a cookie, or a token in the query;"
                            + " browsers cannot set headers on new WebSocket()).", Fixes.status(401)));
        } else if (status == 429) {
            run.fail("upgrade", evidence, start, new Finding(Cause.RATE_LIMITED,
                    "429: too many connections or requests" + retryAfter(answer) + ".",
                    "Reconnect with an exponential backoff and jitter, honouring Retry-After; check the limit.",
                    Fixes.status(429)));
        } else if (status == 502 || status == 503 || status == 504 || (status >= 520 && status <= 530)) {
            run.fail("upgrade", evidence, start, new Finding(Cause.UPSTREAM_UNAVAILABLE,
                    status + " from " + (run.server.isEmpty() ? "the proxy in front" : run.server) + ": it cannot reach its upstream"
                            + " (down, restarting, wrong upstream address, or overloaded)" + retryAfter(answer) + ".",
                    "Check the upstream is up and reachable from the proxy (nginx error.log: \"connect() failed ... while"
                            + " connecting to upstream\"); clients should retry with backoff.",
                    Fixes.status(status)));
        } else if (status < 0) {
            run.fail("upgrade", evidence, start, new Finding(Cause.NOT_A_WEBSOCKET_ANSWER,
                    "The answer is not HTTP: " + answer.statusLine() + ". Another protocol listens on this port.",
                    "Check the port in the URL.", null));
        } else {
            run.fail("upgrade", evidence, start, new Finding(Cause.UNEXPECTED_STATUS,
                    status + " instead of 101: the server refused the upgrade (" + answer.statusLine() + ").",
                    "Look up why the server answers " + status + " at " + path + " (its log); a client sees"
                            + " \"Unexpected response code: " + status + "\".", Fixes.status(status)));
        }
    }

    /**
     * What a WebSocket server's own refusal says when the request reached it without its {@code Upgrade} header
     * (whoever is in front, even a proxy that does not name itself), or null if the answer says nothing of it.
     */
    private static String webSocketServerSawNoUpgrade(Wire.Answer answer) {
        if (answer.status() == 426) {
            return "426 Upgrade Required comes from a WebSocket server that got the request without its Upgrade header";
        }
        if (answer.status() == 404 && answer.statusLine().contains("WebSocket Upgrade Failure")) {
            return "404 WebSocket Upgrade Failure is Java-WebSocket's answer to a request that is not a valid upgrade"
                    + " (it serves every path)";
        }
        if (answer.status() == 400 && answer.body().contains("Can \"Upgrade\" only to \"WebSocket\"")) {
            return "400 'Can \"Upgrade\" only to \"WebSocket\"' is Spring's answer to a request without its Upgrade"
                    + " header";
        }
        if (answer.status() == 400 && answer.body().startsWith("Failed to open a WebSocket connection")) {
            return "400 'Failed to open a WebSocket connection' is Python websockets' answer to a request that is not a"
                    + " valid upgrade (an HTTP/1.0 request, as nginx without upgrade configuration sends it)";
        }
        if (answer.status() == 400 && answer.header("Sec-WebSocket-Version") != null) {
            return "400 with a Sec-WebSocket-Version header comes from a WebSocket server (Go's gorilla/websocket, for"
                    + " one) that got the request without its Upgrade or Connection header";
        }
        return null;
    }

    private static String retryAfter(Wire.Answer answer) {
        String retry = answer.header("Retry-After");
        return retry == null ? "" : " (Retry-After: " + retry + ")";
    }

    /** The body as one line of text (tags and runs of white space dropped), at most 120 characters. */
    private static String firstLine(String body) {
        String text = body.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").trim();
        return text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }
}
