package io.github.wschaos.diagnose;

import static io.github.wschaos.diagnose.RunContext.since;

import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * What an answer other than {@code 101} to the upgrade request means: a proxy that does not pass the upgrade on, a
 * wrong path, credentials wanted, a rate limit, an upstream that cannot be reached, another protocol on the port, or
 * another status; a {@code 403} is handed to the {@link OriginStep}.
 */
final class UpgradeRejection {

    private final RunContext run;
    private final Endpoint endpoint;
    private final OriginStep origins;
    private final Connections connections;

    UpgradeRejection(RunContext run, OriginStep origins, Connections connections) {
        this.run = run;
        this.endpoint = run.endpoint;
        this.origins = origins;
        this.connections = connections;
    }

    /** Fails the upgrade step for {@code answer}, seen as {@code seen}. */
    void rejected(Wire.Answer answer, String seen, long start) {
        int status = answer.status();
        Fixes.Proxy proxy = run.proxy;
        boolean proxyNamed = proxy != Fixes.Proxy.UNKNOWN || answer.header("Via") != null;
        String ownPage = ownErrorPage(answer);
        String path = endpoint.uri().getRawPath();
        String bodyLine = firstLine(answer.body());
        String reason = StatusFindings.apacheReason(answer);
        if (reason != null && !bodyLine.contains("Reason: " + reason)) {
            // The line is cut at 120 characters: the page's reason, which says what went wrong, is kept whole.
            int cut = bodyLine.indexOf("Reason:");
            bodyLine = (cut < 0 ? bodyLine : bodyLine.substring(0, cut).trim() + " ...") + " Reason: " + reason;
        }
        String evidence = seen + (bodyLine.isEmpty() ? "" : "\nbody: " + bodyLine);
        String sawNoUpgrade = webSocketServerSawNoUpgrade(answer);
        if (answer.body().contains("Missing ALPN Protocol, expected `h2`")) {
            run.fail("upgrade", evidence, start, new Finding(Cause.HTTP2_ONLY,
                    status + " with \"Missing ALPN Protocol, expected `h2` to be available\": Node's http2 server without"
                            + " allowHTTP1 answers any HTTP/1.1 request so. It speaks only HTTP/2, and a WebSocket opens with an"
                            + " HTTP/1.1 upgrade: no client can open one here (WebSocket over HTTP/2, RFC 8441, needs a server"
                            + " that offers extended CONNECT, which this one does not). It is no question of the Origin or of"
                            + " credentials.",
                    "Let the server take HTTP/1.1 too (Node: http2.createSecureServer({ allowHTTP1: true, ... }) and attach"
                            + " the WebSocket server to its 'upgrade' event), or serve WebSockets on an HTTP/1.1 listener.",
                    Fixes.status(status)));
            return;
        }
        if ("Error during SSL Handshake with remote server".equals(reason)) {
            run.fail("upgrade", evidence, start, StatusFindings.upstreamTlsFailed(status));
            return;
        }
        boolean inferred = sawNoUpgrade == null
                && (status == 400 || status == 404 || status == 200) && proxyNamed && ownPage == null;
        if (sawNoUpgrade != null || inferred) {
            String named = proxy == Fixes.Proxy.UNKNOWN ? (proxyNamed ? "the proxy its Via header names (" + answer.header("Via") + ")"
                    : "a proxy in front") : proxy.label();
            String meaning = sawNoUpgrade;
            String fix = Fixes.upgradeFix(proxy, path);
            if (inferred) {
                // Nothing in the answer says the upstream saw no upgrade: a plain GET tells a dropped upgrade (the same
                // answer) from one that reached a server that answers the two otherwise.
                PlainGet plain = PlainGet.send(run, connections, "the upgrade got " + status + " through " + named);
                if (toldApart(answer, evidence, plain, start)) {
                    return;
                }
                evidence += "\n" + plain.evidence();
                meaning = alike(status, named, plain);
                fix += "\nIf the proxy's configuration already passes Upgrade and Connection on, the upgrade is not what is"
                        + " lost: check the upstream's WebSocket mapping for " + path + " (Spring registry.addHandler, Node ws's"
                        + " path option) and the proxy's location for it (that it proxies " + path + ", with no try_files,"
                        + " return or single-page-app fallback answering it).";
            }
            run.fail("upgrade", evidence, start, new Finding(Cause.PROXY_WITHOUT_UPGRADE,
                    meaning + ". " + (inferred ? "If so, the proxy in front" + (proxy == Fixes.Proxy.UNKNOWN ? "" : " (" + named + ")")
                            : proxy == Fixes.Proxy.UNKNOWN ? "A proxy in front" : "The proxy in front (" + named + ")")
                            + " does not pass Upgrade and Connection on: nginx without proxy_http_version 1.1 and the"
                            + " Upgrade/Connection headers, an Apache without upgrade=websocket (mod_proxy_wstunnel),"
                            + " Varnish without return (pipe), h2o without proxy.websocket, tinyproxy, squid as a reverse proxy, a corporate proxy."
                            + otherRequest(proxy),
                    fix,
                    proxy == Fixes.Proxy.NGINX
                            ? new Reproduction("strip-upgrade-headers",
                                    "@StripUpgradeHeaders (or @ChaosProfile(Platform.NGINX_WITHOUT_UPGRADE_CONFIGURATION))",
                                    "Faults.stripUpgradeHeaders()", "")
                            : Fixes.fault("strip-upgrade-headers", "@StripUpgradeHeaders", "Faults.stripUpgradeHeaders()")));
        } else if (isRedirect(status) && answer.header("Location") != null) {
            run.fail("upgrade", evidence + "\nLocation: " + answer.header("Location"), start, redirect(answer));
        } else if (status == 404) {
            run.fail("upgrade", evidence, start, new Finding(Cause.WRONG_PATH,
                    "404 for " + path + ": nothing handles WebSocket upgrades at this path"
                            + (ownPage == null ? "" : " (the answer is " + ownPage + "'s own error page, not relayed from"
                                    + " an upstream: no route for it)") + ".",
                    "Check the path against the server's WebSocket mapping (e.g. Spring registry.addHandler(handler, \""
                            + path + "\"), Socket.IO /socket.io/?EIO=4&transport=websocket) and the proxy's location"
                            + " (nginx location, Apache ProxyPass or <Location>, lighttpd proxy.server's URL prefix).",
                    Fixes.status(404)));
        } else if (status == 403) {
            run.checks.put("upgrade", Check.failed("upgrade", evidence, since(start)));
            run.failedStep = "upgrade";
            origins.origins(false, answer);
        } else if (status == 401) {
            run.fail("upgrade", evidence, start, new Finding(Cause.UNAUTHORIZED,
                    "401: the endpoint wants credentials the handshake did not carry"
                            + (answer.header("WWW-Authenticate") == null ? "" : " (WWW-Authenticate: " + answer.header("WWW-Authenticate") + ")")
                            + ". Browsers report \"HTTP Authentication failed; no valid credentials available\".",
                    "Send the credentials with the handshake (--header Authorization:..., a cookie, or a token in the query;"
                            + " browsers cannot set headers on new WebSocket()).",
                    answer.header("WWW-Authenticate") == null ? Fixes.status(401)
                            : Fixes.status(401, Map.of("WWW-Authenticate", answer.header("WWW-Authenticate")))));
        } else if (status == 429) {
            run.fail("upgrade", evidence, start, StatusFindings.rateLimited("the upgrade request", answer, 1));
        } else if (status == 502 || status == 503 || status == 504 || (status >= 520 && status <= 530)) {
            run.fail("upgrade", evidence, start, StatusFindings.gatewayError(status, answer.since(start), answer, proxy));
        } else if (status < 0) {
            run.fail("upgrade", evidence, start, new Finding(Cause.NOT_A_WEBSOCKET_ANSWER,
                    "The answer is not HTTP: " + answer.statusLine() + ". Another protocol listens on this port.",
                    "Check the port in the URL.", null));
        } else {
            PlainGet plain = PlainGet.send(run, connections, "the upgrade got " + status);
            if (toldApart(answer, evidence, plain, start)) {
                return;
            }
            String subprotocol = StatusFindings.subprotocolWanted(answer);
            run.fail("upgrade", evidence + "\n" + plain.evidence(), start, new Finding(Cause.UNEXPECTED_STATUS,
                    status + " instead of 101: the server refused the upgrade (" + answer.statusLine() + ")"
                            + (subprotocol == null ? "." : ": " + subprotocol),
                    (subprotocol == null ? "" : "Send the subprotocol the server expects: --header \"Sec-WebSocket-Protocol:"
                            + " NAME\". ") + "Look up why the server answers " + status + " at " + path + " (its log); a client sees"
                            + " \"Unexpected response code: " + status + "\".", Fixes.status(status)));
        }
    }

    /**
     * When {@code plain} was answered with another status than the upgrade's {@code answer}, the upgrade reached a
     * server that told the two apart: the WebSocket server refused it (the plain GET got its own answer to a request
     * without Upgrade), or something refuses upgrades only. Fails the step so and returns true; false otherwise.
     */
    private boolean toldApart(Wire.Answer answer, String evidence, PlainGet plain, long start) {
        if (!plain.answeredOtherwiseThan(answer.status())) {
            return false;
        }
        String serverSaw = fromProxyItself(answer) ? null : webSocketServerSawNoUpgrade(plain.answer());
        run.fail("upgrade", evidence + "\n" + plain.evidence(), start, serverSaw != null
                ? StatusFindings.serverRefused(answer, "", plain, serverSaw)
                : StatusFindings.upgradesRefused(answer.status(), answer.statusLine(), "", plain, run.proxy));
        return true;
    }

    /**
     * What a {@code 200}, {@code 400} or {@code 404} through {@code named} means when the plain GET got the same status
     * (or none): most often the upstream saw a plain GET, but the answer cannot tell that from another cause, named.
     */
    private static String alike(int status, String named, PlainGet plain) {
        String compared = plain.answered() ? ", and a plain GET of the same URL got " + status + " too"
                : ", and a plain GET of the same URL got no HTTP answer to compare with";
        String other = switch (status) {
            case 404 -> "an upstream with no WebSocket handler at this path, which answers 404 to an upgrade and a plain GET"
                    + " alike";
            case 200 -> "the proxy answering this path itself (nginx try_files or return 200, a single-page-app fallback"
                    + " with no proxy_pass for this path), which answers 200 to an upgrade and a plain GET alike";
            default -> "an upstream that answers 400 to this request whether or not it is an upgrade";
        };
        return status + " to the upgrade through " + named + compared + ": most often the upstream saw a plain GET, not an"
                + " upgrade (a page server answers 200, Jetty and Java-WebSocket 404, Spring 400), but the answer cannot tell"
                + " that from " + other;
    }

    /**
     * The product whose own error page {@code answer} is (nginx's {@code <hr><center>nginx</center>}, Apache's "The
     * requested URL was not found on this server.", lighttpd's XHTML page with {@code <h1>404 Not Found</h1>}), not a
     * page relayed from an upstream; null when it is none of these.
     */
    static String ownErrorPage(Wire.Answer answer) {
        String body = answer.body();
        if (body.contains("<hr><center>")) {
            return "nginx";
        }
        if (body.contains("The requested URL was not found on this server.")
                || (answer.server().startsWith("Apache") && body.contains("//DTD HTML") && body.contains("<h1>"))) {
            return "Apache";
        }
        if (answer.server().startsWith("lighttpd") && body.startsWith("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>")
                && body.contains("<h1>" + answer.status() + " ")) {
            return "lighttpd";
        }
        return null;
    }

    /** Whether {@code answer} is a proxy's own error page (nginx's, Apache's, lighttpd's, haproxy's), not relayed. */
    static boolean fromProxyItself(Wire.Answer answer) {
        return ownErrorPage(answer) != null || (answer.header("Server") == null && Fixes.proxy(answer) == Fixes.Proxy.HAPROXY);
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** A redirect: where to, which clients follow it, and the reproduction that answers with the same Location. */
    private Finding redirect(Wire.Answer answer) {
        int status = answer.status();
        String location = answer.header("Location");
        URI target;
        try {
            target = endpoint.uri().resolve(location);
        } catch (IllegalArgumentException e) {
            target = null;
        }
        String scheme = target == null || target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        String wsTarget = target == null ? location
                : scheme.equals("http") ? "ws" + target.toString().substring(4)
                : scheme.equals("https") ? "wss" + target.toString().substring(5) : target.toString();
        String toTls = !endpoint.secure() && (scheme.equals("https") || scheme.equals("wss"))
                ? " It sends ws:// to TLS (an HTTP-to-HTTPS redirect such as nginx's return 301 https://$host$request_uri):"
                        + " the endpoint wants wss://."
                : "";
        return new Finding(Cause.REDIRECT,
                answer.statusLine() + ": the upgrade request is redirected to " + location + " (Location header), not"
                        + " upgraded." + toTls + " Clients differ: Python websockets follows redirects, Node ws only with"
                        + " followRedirects: true, while the JDK's WebSocket client and browsers do not (a browser reports"
                        + " \"Unexpected response code: " + status + "\").",
                "Connect to " + wsTarget + " directly (change the URL the client uses), or have the server (or proxy)"
                        + " serve the upgrade at " + endpoint.requestTarget() + " instead of redirecting it.",
                Fixes.status(status, Map.of("Location", location)));
    }

    /**
     * What a WebSocket server's own refusal says when the request reached it without its {@code Upgrade} header
     * (whoever is in front, even a proxy that does not name itself), or null if the answer says nothing of it.
     */
    static String webSocketServerSawNoUpgrade(Wire.Answer answer) {
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

    /**
     * For a proxy other than nginx: the reproduction sends the upstream nginx's request (HTTP/1.0, {@code Connection:
     * close}), which some servers answer otherwise than this proxy's HTTP/1.1 one.
     */
    private static String otherRequest(Fixes.Proxy proxy) {
        if (proxy == Fixes.Proxy.NGINX || proxy == Fixes.Proxy.UNKNOWN) {
            return "";
        }
        return " Note: strip-upgrade-headers sends the upstream nginx's request (HTTP/1.0, Connection: close), not "
                + proxy.label() + "'s (Apache, Varnish, lighttpd, squid and tinyproxy send HTTP/1.1 with Connection: close or"
                + " keep-alive), and some servers answer the two differently (Python websockets answers those 426 and"
                + " nginx's 400): the status the reproduction draws from your server may differ from the one seen here.";
    }

    /** The body as one line of text (tags and runs of white space dropped), at most 120 characters. */
    private static String firstLine(String body) {
        String text = body.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").trim();
        return text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }
}
