package io.github.wschaos.diagnose;

import io.github.wschaos.fault.Direction;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
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

    static final List<String> STEPS = List.of("URL", "TCP connect", "TLS", "upgrade", "ping", "echo", "Origin", "idle");
    /** A handshake answered later than this is reported as slow, and so is a ping round trip. */
    static final Duration SLOW_HANDSHAKE = Duration.ofSeconds(1);
    /**
     * A connection that stays silent this long (or four TCP connect times, if longer) before it is closed or reset
     * was held open on purpose; a refusal comes within about a round trip.
     */
    static final Duration SILENCE = Duration.ofMillis(500);
    /** The size of the {@code --echo} throughput message: below common server limits (Tomcat's 8 KiB buffer aside). */
    static final int LARGE_MESSAGE = 16_000;
    /**
     * An echo throughput below this many kilobytes (1000 bytes) per second is reported as a thin link (a 2G mobile
     * link, a shaped connection): the 16,000-byte echo then takes 0.8 s longer than a short one, far above the
     * hiccups of a busy machine or network.
     */
    static final int THIN_LINK_KB_PER_SECOND = 20;
    private static final byte[] SHORT_MESSAGE = "wschaos-diagnose echo".getBytes(StandardCharsets.US_ASCII);
    private static final String ECHO_ASSUMPTION = " (--echo: the endpoint is taken to echo text messages)";

    private Diagnostics() {
    }

    /**
     * A diagnosis of {@code url}.
     *
     * @throws IllegalArgumentException naming the value when the URL is not {@code ws[s]://} or {@code http[s]://}
     */
    public static Builder builder(String url) {
        return new Builder(Endpoint.parse(url));
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

        private Builder(Endpoint endpoint) {
            this.endpoint = endpoint;
        }

        /** The {@code Origin} to send in the handshake (and to try in the Origin step); none by default. */
        public Builder origin(String origin) {
            if (origin == null || !origin.matches("(?i)(https?|null)(://[^/\\s]+)?") ) {
                throw new IllegalArgumentException("origin '" + origin + "' is not scheme://host[:port], e.g. https://app.example");
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
                throw new IllegalArgumentException("idle '" + idle + "' must be positive, e.g. 70s");
            }
            this.idle = idle;
            return this;
        }

        /** The bound on each connect, TLS handshake, upgrade answer and pong (default 5 s). */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout '" + timeout + "' must be positive, e.g. 5s");
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
            return new Run(this).run();
        }
    }

    /** One run of the checklist. */
    private static final class Run {

        private final Builder options;
        private final Endpoint endpoint;
        private final int timeoutMillis;
        private final Map<String, Check> checks = new LinkedHashMap<>();
        private final List<Finding> findings = new ArrayList<>();
        private InetAddress address;
        private String server = "";
        private String failedStep;
        private String workingOrigin;
        private boolean originSent;
        private long connectNanos;
        private long handshakeNanos;
        private boolean pong;

        Run(Builder options) {
            this.options = options;
            this.endpoint = options.endpoint;
            this.timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, options.timeout.toMillis()));
        }

        DiagnosisReport run() {
            checks.put("URL", Check.passed("URL", endpoint.uri() + (endpoint.notes().isEmpty() ? "" : " (" + endpoint.notes() + ")"),
                    Duration.ZERO));
            Wire wire = firstConnection();
            if (wire != null) {
                try (wire) {
                    if (ping(wire) && (!options.echo || echo(wire))) {
                        closingHandshake(wire);
                    }
                }
                if (pong) {
                    origins(true);
                    if (options.idle != null) {
                        idle();
                    }
                }
            }
            List<Check> ordered = new ArrayList<>();
            for (String step : STEPS) {
                Check check = checks.get(step);
                if (check == null) {
                    check = step.equals("idle") && options.idle == null
                            ? Check.skipped(step, "not asked (--idle 70s holds an idle connection open)")
                            : step.equals("echo") && !options.echo
                            ? Check.skipped(step, "not asked (--echo sends text messages and expects them back: for an endpoint that echoes)")
                            : Check.skipped(step, failedStep == null ? "not applicable" : "skipped: the " + failedStep + " step failed");
                }
                ordered.add(check);
            }
            return new DiagnosisReport(endpoint, ordered, findings);
        }

        // ---- steps 2-4 on one connection ----

        private Wire firstConnection() {
            options.progress.accept("TCP connect to " + endpoint.host() + ":" + endpoint.port() + " ...");
            long start = System.nanoTime();
            try {
                address = InetAddress.getByName(endpoint.host());
            } catch (UnknownHostException e) {
                fail("TCP connect", "unknown host " + endpoint.host() + ": " + e, start,
                        new Finding(Cause.UNKNOWN_HOST, "The name " + endpoint.host() + " does not resolve: " + e.getMessage() + ".",
                                "Check the host name in the URL and the DNS record (dig " + endpoint.host() + ").", null));
                return null;
            }
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, endpoint.port()), timeoutMillis);
            } catch (IOException e) {
                close(socket);
                tcpFailure(e, start);
                return null;
            }
            connectNanos = System.nanoTime() - start;
            checks.put("TCP connect", Check.passed("TCP connect", "connected to " + address.getHostAddress() + ":" + endpoint.port()
                    + " in " + millis(start), since(start)));
            try {
                socket.setSoTimeout(timeoutMillis);
                socket.setTcpNoDelay(true);
            } catch (SocketException e) {
                // keep the defaults
            }
            if (endpoint.secure()) {
                socket = tls(socket);
                if (socket == null) {
                    return null;
                }
            }
            return upgrade(socket);
        }

        private void tcpFailure(IOException e, long start) {
            String evidence = e.getClass().getName() + ": " + e.getMessage() + " after " + millis(start);
            String target = address.getHostAddress() + ":" + endpoint.port();
            if (e instanceof SocketTimeoutException || e instanceof NoRouteToHostException) {
                fail("TCP connect", evidence, start, new Finding(Cause.CONNECT_TIMEOUT,
                        "No answer to the TCP connect to " + target + " within " + options.timeout.toMillis() + " ms: packets are"
                                + " dropped on the way (a firewall, a security group, a NAT without the port forwarded).",
                        "Open the port in the firewall / security group between you and " + target
                                + "; check the server listens on a public address, not only on 127.0.0.1.",
                        Fixes.fault("blackhole", "@Blackhole", "Faults.blackhole()")));
            } else {
                fail("TCP connect", evidence, start, new Finding(Cause.CONNECTION_REFUSED,
                        "Nothing listens on " + target + ": the server is down, listens on another port, or (in a container)"
                                + " on another interface.",
                        "Start the server; check the port in the URL against the one it listens on (ss -ltnp); in Docker,"
                                + " publish the port (-p) and bind to 0.0.0.0 inside the container.",
                        Fixes.fault("refuse", "@RefuseConnections", "Faults.refuseConnections()")));
            }
        }

        private Socket tls(Socket socket) {
            options.progress.accept("TLS handshake ...");
            long start = System.nanoTime();
            RecordingTrust trust = new RecordingTrust(options.trust, options.insecure);
            SSLSocket ssl = null;
            try {
                ssl = sslSocket(socket, trust);
                ssl.startHandshake();
            } catch (IOException e) {
                close(ssl == null ? socket : ssl);
                tlsFailure(e, trust, start);
                return null;
            }
            SSLSession session = ssl.getSession();
            X509Certificate leaf = trust.leaf();
            StringBuilder evidence = new StringBuilder(session.getProtocol()).append(' ').append(session.getCipherSuite())
                    .append(" in ").append(millis(start));
            if (leaf != null) {
                evidence.append("\ncertificate ").append(leaf.getSubjectX500Principal().getName())
                        .append(", issued by ").append(leaf.getIssuerX500Principal().getName())
                        .append(", valid until ").append(leaf.getNotAfter().toInstant());
            }
            if (trust.problem() != null) {
                evidence.append("\nNOT VERIFIED (--insecure): ").append(trust.problem().getMessage());
            }
            checks.put("TLS", Check.passed("TLS", evidence.toString(), since(start)));
            return ssl;
        }

        private SSLSocket sslSocket(Socket socket, RecordingTrust trust) throws IOException {
            SSLContext context;
            try {
                context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {trust}, null);
            } catch (Exception e) {
                throw new IllegalStateException("no TLS in this JDK: " + e, e);
            }
            SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(socket, endpoint.host(), endpoint.port(), true);
            SSLParameters parameters = ssl.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(parameters);
            ssl.setSoTimeout(timeoutMillis);
            return ssl;
        }

        private void tlsFailure(IOException e, RecordingTrust trust, long start) {
            String messages = messages(e);
            String evidence = e.getClass().getName() + ": " + e.getMessage() + " after " + millis(start);
            String lower = messages.toLowerCase(Locale.ROOT);
            if (trust.problem() != null) {
                X509Certificate leaf = trust.leaf();
                String certificate = leaf == null ? "" : "\nThe server's certificate: " + leaf.getSubjectX500Principal().getName()
                        + ", issued by " + leaf.getIssuerX500Principal().getName() + ", valid " + leaf.getNotBefore().toInstant()
                        + " to " + leaf.getNotAfter().toInstant() + ".";
                if (expired(trust.problem())) {
                    fail("TLS", evidence, start, new Finding(Cause.CERTIFICATE_EXPIRED,
                            "The certificate is outside its validity period: " + trust.problem().getMessage() + "." + certificate,
                            "Renew the certificate (certbot renew) and reload the server or proxy (nginx -s reload);"
                                    + " automate renewal.", Fixes.tls("expired-certificate")));
                } else if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
                    fail("TLS", evidence, start, new Finding(Cause.CERTIFICATE_WRONG_HOST,
                            "The certificate does not name " + endpoint.host() + ": " + trust.problem().getMessage() + "." + certificate,
                            "Serve a certificate whose subject alternative names include " + endpoint.host()
                                    + " (with nginx: the server block with the right server_name and ssl_certificate), or"
                                    + " connect with the name the certificate is for.", Fixes.tls("wrong-host-certificate")));
                } else {
                    fail("TLS", evidence, start, new Finding(Cause.CERTIFICATE_UNTRUSTED,
                            "The client does not trust the certificate: " + trust.problem().getMessage() + "." + certificate,
                            "Use a certificate from a public authority (e.g. Let's Encrypt) and serve the full chain"
                                    + " (nginx: ssl_certificate fullchain.pem); for a private authority, add it to the client's"
                                    + " trust store (keytool -importcert -cacerts -file ca.pem).", Fixes.tls("untrusted-certificate")));
                }
            } else if (lower.contains("unrecognized ssl message") || lower.contains("plaintext connection")) {
                fail("TLS", evidence, start, new Finding(Cause.PLAIN_PORT_FOR_WSS,
                        "The server on port " + endpoint.port() + " answered the TLS handshake with something that is not TLS:"
                                + " it speaks plain HTTP (browsers: net::ERR_SSL_PROTOCOL_ERROR; OpenSSL: \"wrong version number\").",
                        "Use ws://" + endpoint.hostHeader() + endpoint.requestTarget() + ", or terminate TLS on this port"
                                + " (nginx: listen " + endpoint.port() + " ssl; with ssl_certificate and ssl_certificate_key).",
                        Fixes.tls("plain-listener")));
            } else if (lower.contains("protocol_version") || lower.contains("not accepted by client preferences")
                    || lower.contains("no appropriate protocol")) {
                fail("TLS", evidence, start, new Finding(Cause.NO_COMMON_TLS_PROTOCOL,
                        "Client and server share no TLS version: the server offers only versions the client refuses"
                                + " (TLS 1.0/1.1 are disabled in current JDKs and browsers).",
                        "Enable TLS 1.2 and 1.3 on the server (nginx: ssl_protocols TLSv1.2 TLSv1.3;).",
                        Fixes.tls("no-common-protocol")));
            } else if (trust.leaf() == null && silentFor(start) && (lower.contains("remote host terminated the handshake")
                    || lower.contains("peer shut down incorrectly") || lower.contains("connection reset"))) {
                long silent = System.nanoTime() - start;
                boolean reset = lower.contains("connection reset");
                fail("TLS", "ClientHello sent; no answer, then " + (reset ? "the connection was reset" : "TCP closed (FIN, nothing sent)")
                        + " after " + millis(start) + "\n" + evidence, start,
                        StreamFindings.afterSilence(reset ? new SocketException(e.getMessage()) : new EOFException(), silent,
                                "the TLS handshake began"));
            } else if (trust.leaf() == null && (lower.contains("remote host terminated the handshake")
                    || lower.contains("peer shut down incorrectly") || lower.contains("handshake_failure"))) {
                fail("TLS", evidence, start, new Finding(Cause.NO_COMMON_TLS_PROTOCOL,
                        "The server ended the handshake without answering the ClientHello (no certificate was sent): most"
                                + " often it shares no TLS version or cipher suite with the client (TLS 1.2/1.3 only in current"
                                + " JDKs and browsers); a server that insists on SNI for another name does the same.",
                        "Enable TLS 1.2 and 1.3 and current cipher suites on the server (nginx: ssl_protocols TLSv1.2 TLSv1.3;);"
                                + " compare with openssl s_client -connect " + endpoint.host() + ":" + endpoint.port() + " -tls1_2.",
                        Fixes.tls("no-common-protocol")));
            } else if (e instanceof SocketTimeoutException) {
                fail("TLS", evidence, start, noAnswer("the TLS handshake"));
            } else if (lower.contains("connection reset")) {
                fail("TLS", evidence, start, reset());
            } else {
                fail("TLS", evidence, start, new Finding(Cause.TLS_FAILED,
                        "The TLS handshake failed: " + messages + ".",
                        "Compare with openssl s_client -connect " + endpoint.host() + ":" + endpoint.port() + " -servername "
                                + endpoint.host() + ".", null));
            }
        }

        /**
         * Whether a connection that ended without an answer (or a TLS handshake without a certificate) was silent long
         * enough to be held open on purpose: a server refusing answers within about a round trip (the TCP connect).
         */
        private boolean silentFor(long start) {
            return System.nanoTime() - start >= Math.max(SILENCE.toNanos(), 4 * connectNanos);
        }

        private static boolean expired(Throwable problem) {
            for (Throwable t = problem; t != null; t = t.getCause()) {
                if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
                    return true;
                }
                if (t instanceof CertPathValidatorException v && (v.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                        || v.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID)) {
                    return true;
                }
            }
            return false;
        }

        private Wire upgrade(Socket socket) {
            options.progress.accept("upgrade request " + endpoint.requestTarget() + " ...");
            long start = System.nanoTime();
            String key = Wire.newKey();
            Wire wire = null;
            Wire.Answer answer;
            try {
                wire = new Wire(socket);
                wire.sendUpgrade(endpoint, key, options.origin, options.headers);
                answer = wire.readAnswer();
            } catch (IOException e) {
                close(socket);
                long silent = System.nanoTime() - start;
                long received = wire == null ? 0 : wire.received();
                String evidence = "request sent; " + e.getClass().getName() + ": " + e.getMessage() + " after " + millis(start);
                plainPortUnknown();
                if (e instanceof SocketTimeoutException) {
                    String silence = "request sent; no answer within " + options.timeout.toMillis() + " ms (TCP still open)";
                    PlainGet plain = plainGet("the upgrade got no answer");
                    fail("upgrade", silence + "\n" + plain.evidence(), start,
                            plain.answered() ? websocketsFiltered(false, plain, silent) : noAnswer("the upgrade request"));
                } else if (e instanceof EOFException && received > 0) {
                    fail("upgrade", evidence, start, StreamFindings.cutAfterBytes(received, "in the middle of the answer to the upgrade request",
                            endpoint.secure()));
                } else if (received == 0 && silentFor(start)) {
                    String seen = "request sent; no answer, then " + (e instanceof EOFException ? "TCP closed (FIN, nothing sent)"
                            : e.getClass().getName() + ": " + e.getMessage()) + " after " + millis(start);
                    // A reset that comes late (a filter that is slow to decide, a cold proxy) is asked the same question.
                    PlainGet plain = e instanceof EOFException ? null : plainGet("the upgrade was reset");
                    fail("upgrade", plain == null ? seen : seen + "\n" + plain.evidence(), start,
                            plain != null && plain.answered() ? websocketsFiltered(true, plain, silent)
                                    : StreamFindings.afterSilence(e, silent, "the upgrade request went out"));
                } else if (received == 0) {
                    PlainGet plain = plainGet("the upgrade was reset");
                    fail("upgrade", evidence + "\n" + plain.evidence(), start,
                            plain.answered() ? websocketsFiltered(true, plain, silent) : reset());
                } else {
                    fail("upgrade", evidence, start, reset());
                }
                return null;
            }
            server = answer.server();
            Duration took = since(start);
            String seen = answer.statusLine() + (server.isEmpty() ? "" : " (Server: " + server + ")") + " in " + millis(start);
            if (!endpoint.secure()) {
                if (answer.tlsByte() >= 0 || answer.body().contains("plain HTTP request was sent to HTTPS port")) {
                    wire.close();
                    String what = answer.tlsByte() >= 0 ? answer.statusLine()
                            : answer.statusLine() + ", body: \"The plain HTTP request was sent to HTTPS port\"";
                    fail("TLS", "the port speaks TLS: " + what, start, new Finding(Cause.TLS_PORT_FOR_WS,
                            "Port " + endpoint.port() + " expects TLS but the URL says ws://: " + what + ".",
                            "Use wss://" + endpoint.hostHeader() + endpoint.requestTarget() + " (and port 443 for the default),"
                                    + " or add a plain listener (nginx: listen 80; next to listen 443 ssl;).",
                            Fixes.tls("tls-listener")));
                    return null;
                }
                checks.put("TLS", Check.passed("TLS", "none expected (ws://); the port answers plain HTTP", Duration.ZERO));
            }
            if (answer.status() == 101) {
                String accept = answer.header("Sec-WebSocket-Accept");
                String upgrade = answer.header("Upgrade");
                String expected = Wire.expectedAccept(key);
                if (!expected.equals(accept) || upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
                    wire.close();
                    fail("upgrade", seen + "\nSec-WebSocket-Accept: " + accept + " (expected " + expected + "), Upgrade: " + upgrade,
                            start, new Finding(Cause.NOT_A_WEBSOCKET_ANSWER,
                                    "The 101 is not a valid WebSocket handshake: browsers reject it (\"Incorrect"
                                            + " 'Sec-WebSocket-Accept' header value\"). Something between rewrites or invents the answer.",
                                    "Let the WebSocket server answer the handshake; a proxy must relay 101 with its headers unchanged.", null));
                    return null;
                }
                originSent = options.origin != null;
                workingOrigin = options.origin;
                handshakeNanos = took.toNanos();
                if (took.compareTo(SLOW_HANDSHAKE) > 0) {
                    checks.put("upgrade", Check.failed("upgrade", seen + " (slow: more than " + SLOW_HANDSHAKE.toMillis() + " ms)"
                            + "\nSec-WebSocket-Accept valid", took));
                    double seconds = took.toMillis() / 1000.0;
                    String d = Fixes.duration(seconds);
                    findings.add(new Finding(Cause.SLOW_HANDSHAKE,
                            "The 101 came after " + String.format(Locale.ROOT, "%.1f", seconds) + " s: a client with a shorter"
                                    + " handshake timeout gives up (a cold start, an overloaded server or a slow network).",
                            "Give the client a handshake timeout above this (and a backoff), keep a warm instance, or find what"
                                    + " the server does before answering the upgrade.",
                            Fixes.fault("delay-handshake=" + d, "@DelayHandshake(\"" + d + "\")",
                                    "Faults.delayHandshake(Durations.parse(\"" + d + "\"))")));
                } else {
                    checks.put("upgrade", Check.passed("upgrade", seen + "\nSec-WebSocket-Accept valid", took));
                }
                return wire;
            }
            wire.close();
            rejected(answer, seen, start);
            return null;
        }

        /** What one plain GET to the endpoint got: an HTTP answer, or what went wrong; and the evidence line. */
        private record PlainGet(Wire.Answer answer, String evidence) {
            boolean answered() {
                return answer != null;
            }
        }

        /**
         * One plain HTTP GET to the same URL (same host, port and path, over TLS for wss://) on a new connection, with
         * no Upgrade headers: whether HTTP gets through where the upgrade did not. Not retried; bounded by the timeout.
         */
        private PlainGet plainGet(String why) {
            options.progress.accept(why + ": does a plain GET " + endpoint.requestTarget() + " (no Upgrade headers) get an answer? ...");
            String what = "a plain GET " + endpoint.requestTarget() + " (no Upgrade headers, new connection): ";
            long start = System.nanoTime();
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, endpoint.port()), timeoutMillis);
                socket.setSoTimeout(timeoutMillis);
                if (endpoint.secure()) {
                    SSLSocket ssl = sslSocket(socket, new RecordingTrust(options.trust, options.insecure));
                    ssl.startHandshake();
                    socket = ssl;
                }
                try (Wire wire = new Wire(socket)) {
                    wire.sendPlainGet(endpoint, options.headers);
                    Wire.Answer answer = wire.readAnswer();
                    String seen = answer.statusLine() + (answer.server().isEmpty() ? "" : " (Server: " + answer.server() + ")")
                            + " in " + millis(start);
                    if (answer.status() <= 0) {
                        return new PlainGet(null, what + "not HTTP: " + seen);
                    }
                    if (!endpoint.secure()) {
                        checks.put("TLS", Check.passed("TLS", "none expected (ws://); the port answers plain HTTP (to a plain GET)",
                                Duration.ZERO));
                    }
                    return new PlainGet(answer, what + seen);
                }
            } catch (SocketTimeoutException e) {
                close(socket);
                return new PlainGet(null, what + "no answer within " + options.timeout.toMillis() + " ms either");
            } catch (IOException | RuntimeException e) {
                close(socket);
                return new PlainGet(null, what + e.getClass().getName() + ": " + e.getMessage() + " after " + millis(start));
            }
        }

        /** The upgrade dropped ({@code reset} false) or reset while a plain GET to the same URL was answered. */
        private Finding websocketsFiltered(boolean reset, PlainGet plain, long silentNanos) {
            String status = plain.answer().statusLine();
            String upgrade = reset ? "The connection was reset after the upgrade request went out (after "
                    + silentNanos / 1_000_000 + " ms), before any answer,"
                    : "The upgrade request got no answer within " + options.timeout.toMillis() + " ms,";
            String onTls = endpoint.secure() && endpoint.port() == 443
                    ? " This already is wss:// on 443, so the filter sees inside TLS: a TLS-intercepting corporate proxy, or the"
                            + " server's own front (load balancer, CDN, ingress) that terminates TLS."
                    : " Use wss:// on port 443: most corporate proxies and firewalls pass TLS through opaquely (CONNECT) and"
                            + " cannot see the upgrade to filter it.";
            return new Finding(Cause.WEBSOCKETS_FILTERED,
                    upgrade + " but a plain GET to the same URL (no Upgrade headers) was answered: " + status + ". Something"
                            + " between lets plain HTTP through and " + (reset ? "resets" : "drops") + " WebSocket upgrades: a"
                            + " firewall or IPS that inspects the traffic, a corporate proxy, or a load balancer, CDN or ingress"
                            + " without WebSocket support on this route (less often: a server whose WebSocket handler is stuck"
                            + " while its HTTP handler answers). Clients see the handshake " + (reset ? "fail with a reset" : "time out")
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

        private void rejected(Wire.Answer answer, String seen, long start) {
            int status = answer.status();
            Fixes.Proxy proxy = Fixes.proxy(server);
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
                fail("upgrade", evidence, start, new Finding(Cause.PROXY_WITHOUT_UPGRADE,
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
                fail("upgrade", evidence, start, new Finding(Cause.WRONG_PATH,
                        "404 for " + path + ": nothing handles WebSocket upgrades at this path"
                                + (ownPage ? " (the answer is a proxy's own error page: no route for it)" : "") + ".",
                        "Check the path against the server's WebSocket mapping (e.g. Spring registry.addHandler(handler, \""
                                + path + "\"), Socket.IO /socket.io/?EIO=4&transport=websocket) and the proxy's location.",
                        Fixes.status(404)));
            } else if (status == 403) {
                checks.put("upgrade", Check.failed("upgrade", evidence, since(start)));
                failedStep = "upgrade";
                origins(false);
            } else if (status == 401) {
                fail("upgrade", evidence, start, new Finding(Cause.UNAUTHORIZED,
                        "401: the endpoint wants credentials the handshake did not carry"
                                + (answer.header("WWW-Authenticate") == null ? "" : " (WWW-Authenticate: " + answer.header("WWW-Authenticate") + ")")
                                + ". Browsers report \"HTTP Authentication failed; no valid credentials available\".",
                        "Send the credentials with the handshake (--header Authorization:..., a cookie, or a token in the query;"
                                + " browsers cannot set headers on new WebSocket()).", Fixes.status(401)));
            } else if (status == 429) {
                fail("upgrade", evidence, start, new Finding(Cause.RATE_LIMITED,
                        "429: too many connections or requests" + retryAfter(answer) + ".",
                        "Reconnect with an exponential backoff and jitter, honouring Retry-After; check the limit.",
                        Fixes.status(429)));
            } else if (status == 502 || status == 503 || status == 504 || (status >= 520 && status <= 530)) {
                fail("upgrade", evidence, start, new Finding(Cause.UPSTREAM_UNAVAILABLE,
                        status + " from " + (server.isEmpty() ? "the proxy in front" : server) + ": it cannot reach its upstream"
                                + " (down, restarting, wrong upstream address, or overloaded)" + retryAfter(answer) + ".",
                        "Check the upstream is up and reachable from the proxy (nginx error.log: \"connect() failed ... while"
                                + " connecting to upstream\"); clients should retry with backoff.",
                        Fixes.status(status)));
            } else if (status < 0) {
                fail("upgrade", evidence, start, new Finding(Cause.NOT_A_WEBSOCKET_ANSWER,
                        "The answer is not HTTP: " + answer.statusLine() + ". Another protocol listens on this port.",
                        "Check the port in the URL.", null));
            } else {
                fail("upgrade", evidence, start, new Finding(Cause.UNEXPECTED_STATUS,
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
            return null;
        }

        // ---- step 5: ping ----

        /** Pings on the first connection; true when a pong came and the connection is still usable. */
        private boolean ping(Wire wire) {
            options.progress.accept("ping ...");
            long start = System.nanoTime();
            int[] data = {0};
            try {
                wire.sendFrame(0x9, "wschaos-diagnose".getBytes(StandardCharsets.US_ASCII));
                Wire.Frame frame = EchoProbe.await(wire, start + options.timeout.toNanos(), Wire.Frame::isPong, data);
                if (frame.isClose()) {
                    closedAfterUpgrade(frame, start);
                    return false;
                }
                pong = true;
                long rtt = System.nanoTime() - start;
                String evidence = "pong in " + millis(start) + " (the TCP connect took " + connectNanos / 1_000_000 + " ms)"
                        + (data[0] > 0 ? " (" + data[0] + " data frames from the server first)" : "");
                if (rtt > SLOW_HANDSHAKE.toNanos()) {
                    checks.put("ping", Check.failed("ping", evidence + " (slow: more than " + SLOW_HANDSHAKE.toMillis() + " ms)", since(start)));
                    // A slow 101 that the round trip explains is the same latency, not a delayed handshake.
                    boolean explainsHandshake = handshakeNanos > SLOW_HANDSHAKE.toNanos() && handshakeNanos <= rtt * 3 / 2 + 100_000_000L;
                    if (explainsHandshake) {
                        findings.removeIf(finding -> finding.cause() == Cause.SLOW_HANDSHAKE);
                    }
                    findings.add(StreamFindings.latency(rtt, connectNanos, explainsHandshake ? handshakeNanos : 0, endpoint.host()));
                } else {
                    checks.put("ping", Check.passed("ping", evidence, since(start)));
                }
                return true;
            } catch (SocketTimeoutException e) {
                unanswered(wire, start, data[0]);
            } catch (Wire.CutFrame e) {
                fail("ping", e.getMessage() + " " + millis(start) + " after the upgrade (" + wire.received() + " bytes received)",
                        start, StreamFindings.cutAfterBytes(wire.received(), "in the middle of a frame after the upgrade", endpoint.secure()));
            } catch (EOFException e) {
                fail("ping", "TCP closed without a close frame " + millis(start) + " after the upgrade", start,
                        new Finding(Cause.DROPPED_AFTER_UPGRADE,
                                "The connection was closed right after the upgrade without a close frame (clients report 1006).",
                                "Look at the server's and proxy's logs for why it closes at once.",
                                Fixes.fault("reset", "@ResetConnection (closest: it resets instead of closing)", "Faults.resetConnection()")));
            } catch (IOException e) {
                fail("ping", e.getClass().getName() + ": " + e.getMessage() + " " + millis(start) + " after the upgrade", start,
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
            fail("ping", "close frame " + frame.closeCode() + " '" + reason + "' " + millis(start) + " after the upgrade",
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
            String noPong = "ping sent; no pong within " + options.timeout.toMillis() + " ms (TCP still open)"
                    + (data > 0 ? "; " + data + " data frames came from the server meanwhile" : "");
            boolean echoed = false;
            String echo = "";
            if (options.echo) {
                options.progress.accept("echo: does a text message get through? ...");
                long echoStart = System.nanoTime();
                EchoProbe probe = EchoProbe.send(wire, SHORT_MESSAGE, options.timeout);
                echoed = probe.kind() == EchoProbe.Kind.ECHOED;
                echo = "the test message " + probe.describe(options.timeout);
                checks.put("echo", new Check("echo", echoed ? CheckStatus.PASSED : CheckStatus.FAILED, echo + ECHO_ASSUMPTION,
                        since(echoStart)));
                if (!echoed && probe.kind() != EchoProbe.Kind.TIMED_OUT) {
                    fail("ping", noPong + "\n" + echo, start,
                            StreamFindings.notEchoed(probe, wire.received(), endpoint.secure(), options.timeout));
                    return;
                }
            }
            options.progress.accept("ping unanswered: is the closing handshake answered? ...");
            long closeStart = System.nanoTime();
            String close;
            boolean closeAnswered = false;
            boolean closedByServer = false;
            try {
                wire.sendClose(1000);
                Wire.Frame frame = EchoProbe.await(wire, closeStart + options.timeout.toNanos(), Wire.Frame::isClose, new int[1]);
                closeAnswered = true;
                close = "our close frame was answered with close " + frame.closeCode() + " in " + millis(closeStart);
            } catch (SocketTimeoutException e) {
                close = "our close frame got no answer within " + options.timeout.toMillis() + " ms (TCP still open)";
            } catch (IOException e) {
                closedByServer = true;
                close = "TCP " + (e instanceof EOFException ? "closed" : "reset") + " without a close frame " + millis(closeStart)
                        + " after our close frame";
            }
            String evidence = noPong + (echo.isEmpty() ? "" : "\n" + echo) + "\n" + close;
            if (echoed || closeAnswered) {
                fail("ping", evidence, start, StreamFindings.swallowedPings(options.timeout, echoed, closeAnswered));
                return;
            }
            // The server got our close and closed TCP: the way back is lost. Otherwise nothing we send is answered: the
            // way there is lost (the server's own frames may still arrive), or both ways, which looks the same.
            Direction lost = closedByServer ? Direction.DOWNSTREAM : Direction.UPSTREAM;
            fail("ping", evidence, start, StreamFindings.halfOpen(lost, data, options.echo));
        }

        // ---- step 6: echo ----

        /** The {@code --echo} step on the upgraded connection; true when the connection is still usable. */
        private boolean echo(Wire wire) {
            options.progress.accept("echo: a short text message, then " + LARGE_MESSAGE + " bytes ...");
            long start = System.nanoTime();
            EchoProbe small = EchoProbe.send(wire, SHORT_MESSAGE, options.timeout);
            if (small.kind() != EchoProbe.Kind.ECHOED) {
                fail("echo", "the short test message " + small.describe(options.timeout) + ECHO_ASSUMPTION, start,
                        StreamFindings.notEchoed(small, wire.received(), endpoint.secure(), options.timeout));
                return false;
            }
            byte[] large = new byte[LARGE_MESSAGE];
            java.util.Arrays.fill(large, (byte) 'w');
            long before = wire.received();
            EchoProbe big = EchoProbe.send(wire, large, options.timeout);
            String shortEcho = "a short text message was echoed in " + String.format(Locale.ROOT, "%.1f ms", small.nanos() / 1e6);
            String bigOne = "; the " + LARGE_MESSAGE + "-byte message ";
            switch (big.kind()) {
                case ECHOED -> {
                    long transfer = Math.max(1, big.nanos() - small.nanos());
                    double rate = LARGE_MESSAGE / (transfer / 1e9) / 1000;
                    String evidence = shortEcho + "; " + LARGE_MESSAGE + " bytes in " + String.format(Locale.ROOT, "%.1f ms", big.nanos() / 1e6)
                            + String.format(Locale.ROOT, " (%.0f KB/s)", rate) + ECHO_ASSUMPTION;
                    if (rate < THIN_LINK_KB_PER_SECOND) {
                        thinLink(start, evidence, LARGE_MESSAGE, transfer);
                    } else {
                        checks.put("echo", Check.passed("echo", evidence, since(start)));
                    }
                    return true;
                }
                case CLOSE_FRAME -> checks.put("echo", Check.passed("echo", shortEcho + bigOne + big.describe(options.timeout)
                        + ": throughput not measured" + ECHO_ASSUMPTION, since(start)));
                case TIMED_OUT -> {
                    long got = wire.received() - before;
                    if (got == 0) {
                        fail("echo", shortEcho + bigOne + big.describe(options.timeout) + ECHO_ASSUMPTION, start,
                                StreamFindings.notEchoed(big, wire.received(), endpoint.secure(), options.timeout));
                    } else {
                        thinLink(start, shortEcho + "; of the " + LARGE_MESSAGE + "-byte message only " + got + " bytes came back within "
                                + options.timeout.toMillis() + " ms" + ECHO_ASSUMPTION, got, options.timeout.toNanos());
                    }
                }
                default -> fail("echo", shortEcho + bigOne + big.describe(options.timeout) + " (" + wire.received()
                        + " bytes received in all)" + ECHO_ASSUMPTION, start,
                        StreamFindings.notEchoed(big, wire.received(), endpoint.secure(), options.timeout));
            }
            return false;
        }

        private void thinLink(long start, String evidence, long bytes, long nanos) {
            long rate = Math.max(1, Math.round(bytes / (nanos / 1e9) / 1000));
            fail("echo", evidence + " (thin: less than " + THIN_LINK_KB_PER_SECOND + " KB/s)", start,
                    StreamFindings.thinLink(LARGE_MESSAGE, rate));
        }

        /** The end of a good first connection: our close frame, drained until the server's. */
        private void closingHandshake(Wire wire) {
            try {
                wire.sendClose(1000);
                wire.socket().setSoTimeout(Math.min(timeoutMillis, 1000));
                for (int i = 0; i < 100 && !wire.readFrame().isClose(); i++) {
                    // drain until the server's close frame
                }
            } catch (IOException e) {
                // the checks are done; closing is a courtesy
            }
        }

        // ---- step 7: Origin ----

        private void origins(boolean upgraded) {
            options.progress.accept("Origin variants ...");
            long start = System.nanoTime();
            Map<String, String> variants = new LinkedHashMap<>();
            variants.put("no Origin", null);
            variants.put(endpoint.ownOrigin(), endpoint.ownOrigin());
            if (options.origin != null) {
                variants.put(options.origin, options.origin);
            }
            String first = options.origin == null ? "no Origin" : options.origin;
            Map<String, String> results = new LinkedHashMap<>();
            results.put(first, upgraded ? "101" : "403");
            List<String> accepted = new ArrayList<>();
            List<String> refused = new ArrayList<>();
            (upgraded ? accepted : refused).add(first);
            for (Map.Entry<String, String> variant : variants.entrySet()) {
                if (results.containsKey(variant.getKey())) {
                    continue;
                }
                String result = attempt(variant.getValue());
                results.put(variant.getKey(), result);
                if (result.equals("101")) {
                    accepted.add(variant.getKey());
                    if (workingOrigin == null && !originSent) {
                        workingOrigin = variant.getValue();
                        originSent = variant.getValue() != null;
                    }
                } else if (result.startsWith("403")) {
                    refused.add(variant.getKey());
                }
            }
            StringBuilder evidence = new StringBuilder();
            results.forEach((origin, result) -> evidence.append(evidence.length() == 0 ? "" : "; ").append(origin).append(": ").append(result));
            if (upgraded) {
                checks.put("Origin", Check.passed("Origin", evidence + (refused.isEmpty() ? "" : "\nrefused: " + refused), since(start)));
                return;
            }
            List<String> acceptedOrigins = accepted.stream().filter(origin -> !origin.equals("no Origin")).toList();
            if (!accepted.isEmpty()) {
                String allowed = acceptedOrigins.isEmpty() ? "https://app.example" : String.join(",", acceptedOrigins);
                fail("Origin", evidence.toString(), start, new Finding(Cause.ORIGIN_NOT_ALLOWED,
                        "The 403 depends on the Origin header: " + refused + " refused, " + accepted + " accepted. Browsers"
                                + " send the page's origin and report \"Unexpected response code: 403\".",
                        "Add the page's origin to the server's allowed origins: Spring registry.addHandler(...)"
                                + ".setAllowedOrigins(\"https://your.app\"); ws verifyClient / handleProtocols; Socket.IO"
                                + " new Server({ cors: { origin: \"https://your.app\" } }).",
                        new Reproduction("reject-origins=" + allowed, "@RejectOrigins(\"" + allowed.replace(",", "\", \"") + "\")",
                                "Faults.rejectOrigins(\"" + allowed.replace(",", "\", \"") + "\")", "")));
            } else {
                fail("Origin", evidence.toString(), start, new Finding(Cause.FORBIDDEN,
                        "403 whatever the Origin (" + String.join(", ", results.keySet()) + "): either none of these origins is"
                                + " allowed, or the endpoint wants credentials (a cookie, a token) or blocks your address.",
                        "Try --origin with your app's real origin; send the credentials with --header; check the server's"
                                + " allowed origins and access rules.",
                        Fixes.status(403)));
            }
        }

        /** One more handshake on its own connection; the result is the status, or what went wrong. */
        private String attempt(String origin) {
            try (Wire wire = open(origin)) {
                Wire.Answer answer = wire.readAnswer();
                if (answer.status() == 101) {
                    wire.sendClose(1000);
                }
                return answer.status() == 101 ? "101" : answer.statusLine().replaceFirst("^HTTP/\\S+ ", "");
            } catch (IOException e) {
                return e.getClass().getSimpleName() + ": " + e.getMessage();
            }
        }

        /** A new connection (TCP, TLS) with the upgrade request sent. */
        private Wire open(String origin) throws IOException {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, endpoint.port()), timeoutMillis);
                socket.setSoTimeout(timeoutMillis);
                socket.setTcpNoDelay(true);
                if (endpoint.secure()) {
                    SSLSocket ssl = sslSocket(socket, new RecordingTrust(options.trust, options.insecure));
                    ssl.startHandshake();
                    socket = ssl;
                }
                Wire wire = new Wire(socket);
                wire.sendUpgrade(endpoint, Wire.newKey(), origin, options.headers);
                return wire;
            } catch (IOException | RuntimeException e) {
                close(socket);
                throw e;
            }
        }

        // ---- step 8: idle ----

        private void idle() {
            Duration limit = options.idle;
            options.progress.accept("idle: holding a connection open without data for up to " + seconds(limit.toNanos()) + " ...");
            long start = System.nanoTime();
            Ending ending;
            try (Wire wire = open(workingOrigin)) {
                Wire.Answer answer = wire.readAnswer();
                if (answer.status() != 101) {
                    checks.put("idle", Check.failed("idle", "the idle connection's handshake got " + answer.statusLine(), since(start)));
                    return;
                }
                ending = hold(wire, limit, Duration.ZERO, "idle");
            } catch (IOException e) {
                checks.put("idle", Check.failed("idle", "could not open the idle connection: " + e, since(start)));
                return;
            }
            if (ending.kind == Ending.Kind.OPEN) {
                checks.put("idle", Check.passed("idle", "still open after " + seconds(ending.nanos) + " without data"
                        + (ending.serverPings > 0 ? " (the server sent " + ending.serverPings + " pings, answered)" : ""), since(start)));
                return;
            }
            double observed = ending.sinceData / 1e9;
            double production = observed / options.timeScale;
            String how = ending.describe();
            // Do pings keep it open? One more connection, pinging every third of the timeout.
            Duration interval = Duration.ofMillis(Math.max(100, (long) (ending.sinceData / 3e6)));
            Duration hold = Duration.ofNanos(Math.min(limit.toNanos(), 2 * ending.sinceData));
            String pings;
            boolean pingsHelp;
            options.progress.accept("idle: does a ping every " + seconds(interval.toNanos()) + " keep it open? (up to "
                    + seconds(hold.toNanos()) + ") ...");
            try (Wire wire = open(workingOrigin)) {
                Wire.Answer answer = wire.readAnswer();
                Ending pinged = answer.status() == 101 ? hold(wire, hold, interval, "idle with pings") : null;
                pingsHelp = pinged != null && pinged.kind == Ending.Kind.OPEN;
                pings = pinged == null ? "could not test pings: " + answer.statusLine()
                        : pingsHelp ? "a ping every " + seconds(interval.toNanos()) + " kept it open for " + seconds(pinged.nanos)
                                + " (" + pinged.pongs + " pongs)"
                        : "pings every " + seconds(interval.toNanos()) + " did not help: " + pinged.describe() + " (" + pinged.pongs + " pongs)";
            } catch (IOException e) {
                pingsHelp = false;
                pings = "could not test pings: " + e;
            }
            checks.put("idle", Check.failed("idle", how + "\n" + pings, since(start)));
            KnownTimeout known = platform(production);
            String platform = known == null ? null : known.description();
            String scaled = options.timeScale == 1.0 ? "" : String.format(Locale.ROOT, " (%.1f s at time scale %s)", production, options.timeScale);
            String match = platform == null
                    ? String.format(Locale.ROOT, "%.1f s%s. That matches no known platform default (within 10 %% of Heroku 55 s,"
                            + " nginx proxy_read_timeout 60 s, AWS ALB 60 s, Cloudflare 100 s): a configured timeout.", observed, scaled)
                    : String.format(Locale.ROOT, "%.1f s%s. That matches %s.", observed, scaled, platform);
            // A matched platform default is reproduced at its nominal value: the observed one carries scheduling jitter.
            String d = Fixes.duration(known == null ? production : known.seconds());
            Fixes.Proxy proxy = Fixes.proxy(server);
            if (ending.kind == Ending.Kind.CLOSE_FRAME) {
                findings.add(new Finding(Cause.IDLE_CLOSE,
                        "An idle connection was closed with close " + ending.code + " '" + ending.reason + "' after " + match
                                + " The server's own idle timeout (Jetty: 1001 \"Connection Idle Timeout\"). " + capitalize(pings) + ".",
                        "Send a heartbeat (ping or an application message) more often than every " + d
                                + ", or raise the server's idle timeout (Jetty: container.setIdleTimeout(...); Spring:"
                                + " setMaxSessionIdleTimeout).",
                        new Reproduction("close-with-code=" + ending.code + (ending.reason.isEmpty() ? "" : ":" + ending.reason),
                                "@CloseWithCode(value = " + ending.code + ", reason = \"" + ending.reason + "\", after = \"" + d + "\")",
                                "Faults.closeWithCode(" + ending.code + ", \"" + ending.reason + "\", Durations.parse(\"" + d + "\"))", "")));
                return;
            }
            String idleAnnotation = "@DropIdleConnections(\"" + d + "\")";
            String annotation = platform == null ? idleAnnotation
                    : platform.startsWith("Heroku") ? "@ChaosProfile(Platform.HEROKU_ROUTER)"
                    : platform.startsWith("nginx") ? "@ChaosProfile(Platform.NGINX_DEFAULTS)"
                    : platform.startsWith("an AWS") ? "@ChaosProfile(Platform.AWS_ALB)"
                    : idleAnnotation;
            String fault = "drop-idle=" + d;
            String heartbeat = "Client: send a ping (or an application heartbeat) every " + Fixes.duration(production / 2)
                    + " or more often" + (pingsHelp ? " (the probe showed pings keep it open)" : "") + ", and reconnect with backoff on 1006.";
            String fix = switch (proxy) {
                case NGINX -> "nginx: raise the timeout in the WebSocket location (traffic either way keeps it open):\n"
                        + "location " + endpoint.uri().getRawPath() + " {\n    proxy_read_timeout 3600s;\n    proxy_send_timeout 3600s;\n}\n"
                        + heartbeat;
                case AWS_ALB -> "AWS ALB: aws elbv2 modify-load-balancer-attributes --load-balancer-arn ARN --attributes"
                        + " Key=idle_timeout.timeout_seconds,Value=3600\n" + heartbeat;
                default -> heartbeat + (platform != null && platform.startsWith("Heroku")
                        ? "\nHeroku's router timeout (55 s) cannot be changed: only traffic keeps the connection open." : "");
            };
            findings.add(new Finding(Cause.IDLE_TIMEOUT,
                    "An idle connection was cut without a close frame (clients report 1006) after " + match + " " + capitalize(pings) + ".",
                    fix, new Reproduction(fault, annotation + (platform == null ? "" : " or " + idleAnnotation),
                            "Faults.dropIdleConnections(Durations.parse(\"" + d + "\"))", "")));
        }

        /** A platform's default idle timeout, as the report names it. */
        private record KnownTimeout(String description, double seconds) {}

        /** The platform whose default idle timeout is within 10 % of {@code seconds}, nearest first; null if none. */
        private KnownTimeout platform(double seconds) {
            Fixes.Proxy proxy = Fixes.proxy(server);
            KnownTimeout best = null;
            double distance = Double.MAX_VALUE;
            for (Object[] known : new Object[][] {
                    {"Heroku's router (55 s, data either way)", 55.0},
                    {proxy == Fixes.Proxy.AWS_ALB ? "an AWS ALB's default idle timeout (60 s)"
                            : proxy == Fixes.Proxy.NGINX ? "nginx's default proxy_read_timeout (60 s)"
                            : "nginx's default proxy_read_timeout or an AWS ALB's default idle timeout (60 s)", 60.0},
                    {"Cloudflare's idle timeout (100 s)", 100.0}}) {
                double value = (Double) known[1];
                double d = Math.abs(seconds - value);
                if (d <= value * 0.10 && d < distance) {
                    best = new KnownTimeout((String) known[0], value);
                    distance = d;
                }
            }
            return best;
        }

        /** Holds {@code wire} open for {@code limit}, sending a ping every {@code pingEvery} (zero: never). */
        private Ending hold(Wire wire, Duration limit, Duration pingEvery, String label) throws IOException {
            long start = System.nanoTime();
            long lastData = start;
            long nextPing = pingEvery.isZero() ? Long.MAX_VALUE : start + pingEvery.toNanos();
            long nextProgress = start + 5_000_000_000L;
            long end = start + limit.toNanos();
            Ending ending = new Ending();
            while (true) {
                long now = System.nanoTime();
                if (now >= end) {
                    ending.kind = Ending.Kind.OPEN;
                    ending.nanos = now - start;
                    try {
                        wire.sendClose(1000);
                    } catch (IOException e) {
                        // it was open; closing is a courtesy
                    }
                    return ending;
                }
                if (now >= nextPing) {
                    wire.sendFrame(0x9, "wschaos-idle".getBytes(StandardCharsets.US_ASCII));
                    nextPing = now + pingEvery.toNanos();
                }
                if (now >= nextProgress) {
                    options.progress.accept(label + ": " + seconds(now - start) + " of " + seconds(limit.toNanos()) + ", still open");
                    nextProgress = now + 5_000_000_000L;
                }
                long wait = Math.min(Math.min(end, nextPing), nextProgress) - now;
                wire.socket().setSoTimeout((int) Math.max(1, Math.min(1000, wait / 1_000_000)));
                try {
                    Wire.Frame frame = wire.readFrame();
                    if (frame.isPing()) {
                        ending.serverPings++;
                        wire.sendFrame(0xA, frame.payload());
                    } else if (frame.isPong()) {
                        ending.pongs++;
                    } else if (frame.isClose()) {
                        ending.kind = Ending.Kind.CLOSE_FRAME;
                        ending.code = frame.closeCode();
                        ending.reason = frame.closeReason();
                        return ending.at(start, lastData);
                    } else {
                        lastData = System.nanoTime();
                        ending.data++;
                    }
                } catch (SocketTimeoutException e) {
                    // nothing yet: loop
                } catch (EOFException e) {
                    ending.kind = Ending.Kind.TCP_CLOSED;
                    return ending.at(start, lastData);
                } catch (SocketException e) {
                    ending.kind = Ending.Kind.RESET;
                    ending.reason = e.getMessage();
                    return ending.at(start, lastData);
                }
            }
        }

        // ---- helpers ----

        private void fail(String step, String evidence, long start, Finding finding) {
            checks.put(step, Check.failed(step, evidence, since(start)));
            if (failedStep == null) {
                failedStep = step;
            }
            findings.add(finding);
        }

        private void plainPortUnknown() {
            if (!endpoint.secure() && !checks.containsKey("TLS")) {
                checks.put("TLS", Check.passed("TLS", "none expected (ws://); whether the port speaks TLS is unknown: no answer",
                        Duration.ZERO));
            }
        }

        private Finding noAnswer(String what) {
            return new Finding(Cause.NO_ANSWER,
                    "TCP connected, but " + what + " got no answer within " + options.timeout.toMillis() + " ms: a firewall or"
                            + " security device that accepts and then drops, a server that accepts but never reads"
                            + " (overloaded, stuck), or a handshake slower than the timeout (cold start).",
                    "Look at the server: is it accepting and answering (its log, thread dump)? Check firewalls/IPS between;"
                            + " if it is only slow, try a larger --timeout.",
                    Fixes.fault("blackhole", "@Blackhole (or @DelayHandshake for a slow one)", "Faults.blackhole()"));
        }

        private Finding reset() {
            return new Finding(Cause.CONNECTION_RESET,
                    "The TCP connection was accepted and then reset (or closed) before any answer: the server crashed or"
                            + " refuses, a load balancer has no healthy target, or a firewall rejects with RST.",
                    "Check the server is up and healthy behind the address; check the load balancer's targets.",
                    Fixes.fault("refuse", "@RefuseConnections", "Faults.refuseConnections()"));
        }

        private static String retryAfter(Wire.Answer answer) {
            String retry = answer.header("Retry-After");
            return retry == null ? "" : " (Retry-After: " + retry + ")";
        }

        private static String messages(Throwable e) {
            StringBuilder text = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                text.append(text.length() == 0 ? "" : " <- ").append(t.getMessage());
            }
            return text.toString();
        }

        private static String firstLine(String body) {
            String text = body.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").trim();
            return text.length() > 120 ? text.substring(0, 120) + "..." : text;
        }

        private static String capitalize(String text) {
            return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
        }

        private static Duration since(long start) {
            return Duration.ofNanos(System.nanoTime() - start);
        }

        private static String millis(long start) {
            return (System.nanoTime() - start) / 1_000_000 + " ms";
        }

        private static String seconds(long nanos) {
            return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
        }

        private static void close(Socket socket) {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }

    /** How a held connection ended. */
    private static final class Ending {

        enum Kind { OPEN, CLOSE_FRAME, TCP_CLOSED, RESET }

        Kind kind;
        long nanos;
        long sinceData;
        int code;
        String reason = "";
        int pongs;
        int serverPings;
        int data;

        Ending at(long start, long lastData) {
            long now = System.nanoTime();
            nanos = now - start;
            sinceData = now - lastData;
            return this;
        }

        String describe() {
            String after = String.format(Locale.ROOT, "%.2f s", nanos / 1e9)
                    + (data > 0 ? String.format(Locale.ROOT, " (%.2f s after the server's last data)", sinceData / 1e9) : "");
            return switch (kind) {
                case CLOSE_FRAME -> "close frame " + code + " '" + reason + "' after " + after;
                case TCP_CLOSED -> "TCP closed without a close frame after " + after;
                case RESET -> "connection reset (" + reason + ") after " + after;
                case OPEN -> "still open after " + after;
            };
        }
    }
}
