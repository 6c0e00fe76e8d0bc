package io.github.wschaos.diagnose;

import io.github.wschaos.Durations;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import javax.net.ssl.TrustManagerFactory;

/**
 * Runs the checklist a person works through by hand when a browser says "WebSocket connection to 'wss://…'
 * failed", against a real endpoint, and names the cause with the wschaos fault that reproduces it:
 *
 * <ol>
 *   <li>{@code URL}: scheme, default port, path ({@code http(s)://} mapped to {@code ws(s)://});</li>
 *   <li>{@code TCP connect}: refused, timed out, or connected;</li>
 *   <li>{@code TLS}: for {@code wss://} the handshake (plain HTTP on the port, certificate untrusted, expired or
 *       for another host, no common protocol); for {@code ws://} whether the port speaks TLS after all;</li>
 *   <li>{@code upgrade}: {@code 101} with a valid {@code Sec-WebSocket-Accept}, or what the answer instead means;
 *       when the upgrade gets no answer or is reset, one plain GET of the same URL (no {@code Upgrade} headers)
 *       tells a firewall, proxy or load balancer that filters WebSockets ({@link Cause#WEBSOCKETS_FILTERED}) from an
 *       endpoint that drops or refuses everything;</li>
 *   <li>{@code ping}: a ping on the upgraded connection is answered by a pong, and how long the round trip takes
 *       next to the TCP connect; when no pong comes, the closing handshake (and the test message of
 *       {@link Builder#echo()}) tell dropped control frames from a half-open connection;</li>
 *   <li>{@code echo} (only with {@link Builder#echo()}): a short text message and a 16,000-byte one come back: the
 *       round trip and the throughput;</li>
 *   <li>{@code Origin}: the handshake repeated without {@code Origin}, with the URL's own origin and with the given
 *       one; a {@code 403} that depends on it means the origin is not allowed;</li>
 *   <li>{@code idle} (only with {@link Builder#idle(Duration)}): a connection held open without data, how it ended
 *       and after how long, matched against known platform timeouts, and whether pings keep it open.</li>
 * </ol>
 *
 * <p>Only the endpoint named is contacted; no request is retried. Each step uses its own connection only where it
 * must (the {@code Origin} variants, the idle connection, the ping probe after an idle drop, the plain GET after
 * an unanswered or reset upgrade).
 *
 * <p>Idle timeouts are matched by the observed duration: a platform matches when the observed seconds (divided by
 * {@link Builder#timeScale(double)}, 1 by default) are within 10 % of its default: Heroku's router 55 s, nginx's
 * {@code proxy_read_timeout} 60 s, an AWS ALB's idle timeout 60 s, Cloudflare 100 s. The nearest wins; the answer's
 * {@code Server} header breaks the nginx/ALB tie.
 */
public final class Diagnostics {

    private Diagnostics() {
    }

    /**
     * A diagnosis of {@code url}.
     *
     * @throws IllegalArgumentException naming the value when the URL is not {@code ws[s]://} or {@code http[s]://}
     */
    public static Builder builder(String url) {
        Endpoint endpoint = Endpoint.parse(url);
        return new Builder(endpoint, URI.create(url.trim()).getUserInfo());
    }

    /** A diagnosis of {@code uri}. */
    public static Builder builder(URI uri) {
        return builder(uri.toString());
    }

    /** Settings of a diagnosis; {@link #run()} runs it. */
    public static final class Builder {

        private final Endpoint endpoint;
        private String origin;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Duration idle;
        private Duration timeout = Duration.ofSeconds(5);
        private boolean insecure;
        private TrustManagerFactory trust;
        private double timeScale = 1.0;
        private Consumer<String> progress = message -> { };
        private boolean echo;

        /** The URL's {@code user:password}, decoded, or null. */
        private final String userInfo;

        private Builder(Endpoint endpoint, String userInfo) {
            this.endpoint = endpoint;
            this.userInfo = userInfo;
        }

        /** The {@code Origin} to send in the handshake (and to try in the Origin step); none by default. */
        public Builder origin(String origin) {
            if (origin == null || !origin.matches("(?i)null|https?://[^/\\s]+")) {
                throw new IllegalArgumentException("origin '" + origin + "' is not scheme://host[:port] (or null, as a"
                        + " sandboxed page sends), e.g. https://app.example");
            }
            this.origin = origin;
            return this;
        }

        /** An extra request header ({@code Authorization}, {@code Cookie}, ...). */
        public Builder header(String name, String value) {
            if (name == null || !name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+") || value == null || value.contains("\n") || value.contains("\r")) {
                throw new IllegalArgumentException("header '" + name + ": " + value + "' is not NAME:VALUE, e.g. Authorization:Bearer x");
            }
            headers.put(name, value.trim());
            return this;
        }

        /** Hold an upgraded connection open without data for up to {@code idle} (the idle step; off by default). */
        public Builder idle(Duration idle) {
            if (idle == null || idle.isNegative() || idle.isZero()) {
                throw new IllegalArgumentException("idle '" + (idle == null ? null : Durations.format(idle)) + "' must be positive, e.g. 70s");
            }
            this.idle = idle;
            return this;
        }

        /** The bound on each connect, TLS handshake, upgrade answer and pong (default 5 s). */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout '" + (timeout == null ? null : Durations.format(timeout)) + "' must be positive, e.g. 5s");
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * The endpoint echoes text messages (an echo route, a test endpoint): the {@code echo} step sends a short text
         * message and a 16,000-byte one and expects each back, measuring the round trip and the throughput (a thin
         * link, a connection cut after some bytes); and when pings go unanswered, the short message tells dropped
         * control frames from a half-open connection. Off by default: to a server that does not echo, a message is a
         * request it may act on.
         */
        public Builder echo() {
            this.echo = true;
            return this;
        }

        /** Continue past certificate problems (still reported in the TLS step's evidence). */
        public Builder insecure() {
            this.insecure = true;
            return this;
        }

        /** Trust material for {@code wss://} (default: the JDK's trust store); the host name is checked either way. */
        public Builder trust(TrustManagerFactory trust) {
            this.trust = Objects.requireNonNull(trust, "trust");
            return this;
        }

        /**
         * The time scale of the endpoint's timeouts, for matching an idle timeout against platform defaults: a
         * chaos proxy with {@code timeScale(0.02)} cuts Heroku's 55 s after 1.1 s. Default 1.
         */
        public Builder timeScale(double scale) {
            if (!(scale > 0) || Double.isInfinite(scale)) {
                throw new IllegalArgumentException("time scale " + scale + " must be a positive number");
            }
            this.timeScale = scale;
            return this;
        }

        /** Where progress messages go while a step waits (default: nowhere). */
        public Builder progress(Consumer<String> progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /** Runs the checklist and returns the report; never throws for what the endpoint does. */
        public DiagnosisReport run() {
            Map<String, String> sent = new LinkedHashMap<>(headers);
            Endpoint contacted = endpoint;
            if (userInfo != null) {
                // As curl, Node ws and Python websockets do (the JDK's WebSocket client drops them); never printed.
                String note;
                if (headers.keySet().stream().anyMatch(name -> name.equalsIgnoreCase("Authorization"))) {
                    note = "credentials in the URL not sent: a header given sets Authorization";
                } else {
                    sent.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
                    note = "user '" + userInfo.split(":", 2)[0] + "' and " + (userInfo.contains(":") ? "its password" : "no password")
                            + " from the URL sent as Authorization: Basic, as curl, Node ws and Python websockets send them"
                            + " (the JDK's WebSocket client drops them)";
                }
                contacted = new Endpoint(endpoint.uri(), endpoint.host(), endpoint.port(), endpoint.secure(),
                        endpoint.notes().isEmpty() ? note : endpoint.notes() + "; " + note);
            }
            return new Checklist(new DiagnosisOptions(contacted, origin, Collections.unmodifiableMap(sent),
                    idle, timeout, insecure, trust, timeScale, progress, echo)).run();
        }
    }
}
