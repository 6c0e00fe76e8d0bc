package io.github.wschaos.diagnose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The fixes (configuration snippets, client changes) and reproductions of each cause. */
final class Fixes {

    /**
     * The proxy (or platform) an answer names, by its {@code Via} header (the proxy that relayed it), its
     * {@code Server} header, or the wording of its own error page.
     */
    enum Proxy {
        NGINX("nginx"), APACHE("Apache"), LIGHTTPD("lighttpd"), CADDY("Caddy"), H2O("h2o"), VARNISH("Varnish"),
        TINYPROXY("tinyproxy"), SQUID("squid"), HAPROXY("haproxy"), CLOUDFLARE("Cloudflare"), AWS_ALB("an AWS ALB"), UNKNOWN("");

        private final String label;

        Proxy(String label) {
            this.label = label;
        }

        /** The product as the report names it, e.g. "Varnish"; empty for {@link #UNKNOWN}. */
        String label() {
            return label;
        }
    }

    private Fixes() {
    }

    /** The product a {@code Server} header names. */
    static Proxy proxy(String server) {
        String s = server.toLowerCase(Locale.ROOT);
        if (s.contains("nginx") || s.contains("openresty")) {
            return Proxy.NGINX;
        }
        if (s.contains("apache")) {
            return Proxy.APACHE;
        }
        if (s.contains("lighttpd")) {
            return Proxy.LIGHTTPD;
        }
        if (s.contains("caddy")) {
            return Proxy.CADDY;
        }
        if (s.startsWith("h2o")) {
            return Proxy.H2O;
        }
        if (s.contains("varnish")) {
            return Proxy.VARNISH;
        }
        if (s.contains("tinyproxy")) {
            return Proxy.TINYPROXY;
        }
        if (s.contains("squid")) {
            return Proxy.SQUID;
        }
        if (s.contains("haproxy")) {
            return Proxy.HAPROXY;
        }
        if (s.contains("cloudflare")) {
            return Proxy.CLOUDFLARE;
        }
        if (s.contains("awselb")) {
            return Proxy.AWS_ALB;
        }
        return Proxy.UNKNOWN;
    }

    /**
     * The proxy that relayed {@code answer}: the one its {@code Via} header names last (the nearest to the client,
     * e.g. {@code 1.1 varnish (Varnish/7.1)}, {@code 1.1 vm (tinyproxy/1.11.1)}), else the one its {@code Server}
     * header names, else haproxy when the body is one of haproxy's own error pages (haproxy sends no Server header).
     */
    static Proxy proxy(Wire.Answer answer) {
        String via = answer.header("Via");
        if (via != null) {
            String[] hops = via.split(",");
            Proxy nearest = proxy(hops[hops.length - 1]);
            if (nearest != Proxy.UNKNOWN) {
                return nearest;
            }
        }
        Proxy server = proxy(answer.server());
        if (server != Proxy.UNKNOWN) {
            return server;
        }
        String body = answer.body();
        return body.contains("The server didn't respond in time.") || body.contains("No server is available to handle this request.")
                || body.contains("The server returned an invalid or incomplete response.")
                || body.contains("Request forbidden by administrative rules.") ? Proxy.HAPROXY : Proxy.UNKNOWN;
    }

    static final String NGINX_UPGRADE = """
            # nginx: in the location that proxies the WebSocket
            location %s {
                proxy_pass http://backend;
                proxy_http_version 1.1;
                proxy_set_header Upgrade $http_upgrade;
                proxy_set_header Connection "upgrade";
                proxy_set_header Host $host;
            }""";

    static final String APACHE_UPGRADE = """
            # Apache 2.4.47+ (a2enmod proxy proxy_http): let mod_proxy_http tunnel the upgrade
            ProxyPass "%s" "http://backend:8080%s" upgrade=websocket
            # older Apache: a2enmod proxy_wstunnel, then
            # ProxyPass "%s" "ws://backend:8080%s\"""";

    static final String LIGHTTPD_UPGRADE = """
            # lighttpd 1.4.46+ (server.modules += ("mod_proxy")): let mod_proxy tunnel the upgrade
            $HTTP["url"] =~ "^%s" {
                proxy.server = ("" => (("host" => "backend", "port" => 8080)))
                proxy.header = ("upgrade" => "enable")
            }""";

    static final String VARNISH_UPGRADE = """
            # Varnish (vcl 4.1): pipe WebSocket upgrades to the backend instead of fetching them
            sub vcl_recv {
                if (req.http.Upgrade ~ "(?i)websocket") {
                    return (pipe);
                }
            }
            sub vcl_pipe {
                if (req.http.Upgrade) {
                    set bereq.http.Upgrade = req.http.Upgrade;
                    set bereq.http.Connection = req.http.Connection;
                }
            }""";

    static final String H2O_UPGRADE = """
            # h2o 2.2: in the path that proxies the WebSocket
            paths:
              "%s":
                proxy.reverse.url: http://backend:8080%s
                proxy.websocket: ON""";

    static final String TINYPROXY_UPGRADE = """
            tinyproxy cannot carry WebSockets: it does not pass Upgrade and Connection on, and has no tunnel for an
            upgraded connection. Put the WebSocket route behind a proxy that can (nginx, haproxy, Apache with
            upgrade=websocket, Caddy, Varnish with return (pipe)), or let clients reach the server directly
            (as a forward proxy, tinyproxy passes wss:// through CONNECT untouched).""";

    static final String SQUID_UPGRADE = """
            squid as a reverse proxy (http_port ... accel with a cache_peer) does not carry the WebSocket upgrade to
            its upstream: measured with squid 5.7, the upstream gets a plain GET (Node ws answers 426) even with
            http_upgrade_request_protocols WebSocket allow all. Put the WebSocket route behind a proxy that can (nginx,
            haproxy, Apache with upgrade=websocket, Caddy), or let clients reach the server directly (as a forward
            proxy, squid passes wss:// through CONNECT untouched).""";

    static String upgradeFix(Proxy proxy, String path) {
        return switch (proxy) {
            case NGINX -> NGINX_UPGRADE.formatted(path);
            case APACHE -> APACHE_UPGRADE.formatted(path, path, path, path);
            case LIGHTTPD -> LIGHTTPD_UPGRADE.formatted(path);
            case VARNISH -> VARNISH_UPGRADE;
            case H2O -> H2O_UPGRADE.formatted(path, path);
            case TINYPROXY -> TINYPROXY_UPGRADE;
            case SQUID -> SQUID_UPGRADE;
            default -> "The proxy in front" + (proxy == Proxy.UNKNOWN ? " (neither its Server nor its Via header names it)"
                    : " (" + proxy.label() + ")") + " must pass Upgrade and Connection on\n"
                    + "with HTTP/1.1. For nginx:\n" + NGINX_UPGRADE.formatted(path)
                    + "\nFor Apache: ProxyPass \"" + path + "\" \"http://backend:8080" + path + "\" upgrade=websocket";
        };
    }

    static Reproduction fault(String cli, String annotation, String java) {
        return new Reproduction(cli, annotation, java, "");
    }

    /** What the report prints for the faults that have no annotation of their own. */
    static final String NO_ANNOTATION = "no annotation of its own: inject the Java call below in a @WebSocketChaos test";

    /** A Toxiproxy-style TCP toxic: no annotation, the {@code Faults} call injected instead. */
    static Reproduction toxic(String cli, String java) {
        return new Reproduction(cli, NO_ANNOTATION, java, "");
    }

    /**
     * {@code nanos} rounded down to 100 ms steps, at least 100 ms, as the fault options write it ({@code 1s},
     * {@code 1200ms}): a measured delay includes the time the request itself takes, so rounding down gives back
     * the delay that was added.
     */
    static String floorTenths(long nanos) {
        long millis = Math.max(100, nanos / 100_000_000L * 100);
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    static Reproduction tls(String mode) {
        String constant = mode.toUpperCase(Locale.ROOT).replace('-', '_');
        return new Reproduction("tls-mismatch=" + mode, "@ForceTlsMismatch(TlsMismatch." + constant + ")",
                "Faults.forceTlsMismatch(TlsMismatch." + constant + ")",
                constant.equals("TLS_LISTENER") ? "" : "--tls");
    }

    static Reproduction status(int status) {
        return fault("respond-with-status=" + status, "@RespondWithStatus(" + status + ")", "Faults.respondWithStatus(" + status + ")");
    }

    /**
     * {@code status} answered with {@code headers} (those whose value is null left out), in the three forms:
     * {@code 'respond-with-status=307;Location: ws://...'}, {@code @RespondWithStatus(value = 307, headers = "Location:
     * ws://...")} and {@code Faults.respondWithStatus(307, Map.of("Location", "ws://..."), "")}. A value holding
     * {@code ;} cannot be written on the command line (the option splits there): it is left out of that form only.
     */
    static Reproduction status(int status, Map<String, String> headers) {
        Map<String, String> present = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            if (value != null) {
                present.put(name, value);
            }
        });
        if (present.isEmpty()) {
            return status(status);
        }
        StringBuilder cli = new StringBuilder("respond-with-status=").append(status);
        List<String> annotation = new ArrayList<>();
        List<String> java = new ArrayList<>();
        present.forEach((name, value) -> {
            if (!value.contains(";")) {
                cli.append(';').append(name).append(": ").append(value);
            }
            annotation.add(javaString(name + ": " + value));
            java.add(javaString(name) + ", " + javaString(value));
        });
        return fault(cli.toString(), "@RespondWithStatus(value = " + status + ", headers = "
                        + (annotation.size() == 1 ? annotation.get(0) : "{" + String.join(", ", annotation) + "}") + ")",
                "Faults.respondWithStatus(" + status + ", Map.of(" + String.join(", ", java) + "), \"\")");
    }

    /** {@code text} as a Java string literal. */
    private static String javaString(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A duration as the fault options write it: whole seconds from 1 s on, else 100 ms steps. */
    static String duration(double seconds) {
        long tenths = Math.round(seconds * 10);
        if (tenths >= 10) {
            return Math.round(seconds) + "s";
        }
        return Math.max(100, tenths * 100) + "ms";
    }
}
