package io.github.wschaos.diagnose;

import java.util.Locale;

/** The fixes (configuration snippets, client changes) and reproductions of each cause. */
final class Fixes {

    /** The proxy an answer's {@code Server} header names. */
    enum Proxy { NGINX, APACHE, LIGHTTPD, CLOUDFLARE, AWS_ALB, UNKNOWN }

    private Fixes() {
    }

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
        if (s.contains("cloudflare")) {
            return Proxy.CLOUDFLARE;
        }
        if (s.contains("awselb")) {
            return Proxy.AWS_ALB;
        }
        return Proxy.UNKNOWN;
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

    static String upgradeFix(Proxy proxy, String path) {
        return switch (proxy) {
            case NGINX -> NGINX_UPGRADE.formatted(path);
            case APACHE -> APACHE_UPGRADE.formatted(path, path, path, path);
            case LIGHTTPD -> LIGHTTPD_UPGRADE.formatted(path);
            default -> "The proxy in front (its Server header does not name it) must pass Upgrade and Connection on\n"
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

    /** A duration as the fault options write it: whole seconds from 1 s on, else 100 ms steps. */
    static String duration(double seconds) {
        long tenths = Math.round(seconds * 10);
        if (tenths >= 10) {
            return Math.round(seconds) + "s";
        }
        return Math.max(100, tenths * 100) + "ms";
    }
}
