package io.github.wschaos;

import io.github.wschaos.fault.Fault;
import io.github.wschaos.fault.FaultHandle;
import io.github.wschaos.fault.ForceTlsMismatch;
import io.github.wschaos.fault.Target;
import io.github.wschaos.fault.TlsMismatch;
import io.github.wschaos.internal.ConnectionLog;
import io.github.wschaos.internal.FaultEngine;
import io.github.wschaos.internal.HttpCodecs;
import io.github.wschaos.internal.ListenAddresses;
import io.github.wschaos.internal.NettyVersions;
import io.github.wschaos.internal.ProxyServer;
import io.github.wschaos.internal.ProxySettings;
import io.github.wschaos.internal.Upstream;
import io.github.wschaos.record.Recording;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * A WebSocket proxy on loopback that sits between the app under test and its peer, relays everything
 * faithfully, and records every connection attempt.
 *
 * <pre>{@code
 * try (ChaosProxy proxy = ChaosProxy.builder().upstream("ws://127.0.0.1:8080/chat").start()) {
 *     connectYourClientTo(proxy.uri());           // ws://127.0.0.1:<port>/chat
 *     assertThat(proxy.recording().attempts()).isEqualTo(1);
 * }
 * }</pre>
 *
 * <p>Before the upgrade it is an HTTP/1.1 proxy: plain requests (long-polling, health checks) are relayed
 * with keep-alive and chunked bodies, and the request goes to the upstream with its headers as the client
 * sent them ({@code Host} included). When the upstream answers {@code 101}, both sides switch to relaying
 * bytes: frames, extensions and close frames pass untouched. When the upstream cannot be reached, the
 * client gets {@code 502 Bad Gateway} (or {@code 504} when the connection timed out), as behind nginx.
 *
 * <p>{@link #close()} closes the listener and every connection and stops the proxy's threads.
 */
public final class ChaosProxy implements AutoCloseable {

    private final ProxyServer server;
    private final ConnectionLog log;
    private final FaultEngine faults;
    private final ProxyCertificate certificate;
    private final double timeScale;
    private volatile Upstream upstream;

    private ChaosProxy(Builder builder, Upstream upstream, ProxySettings settings, ProxyCertificate certificate) {
        this.upstream = upstream;
        this.certificate = certificate;
        this.timeScale = builder.timeScale;
        this.log = new ConnectionLog(builder.recordingLimit);
        this.faults = new FaultEngine(builder.seed, builder.timeScale);
        builder.faults.forEach(armed -> faults.arm(armed.fault(), armed.target())); // before the listener opens
        this.server = new ProxyServer(settings, upstream, log, faults);
    }

    /** A builder; {@link Builder#upstream(URI)} is the one required setting. */
    public static Builder builder() {
        return new Builder();
    }

    /** A started proxy on an ephemeral loopback port in front of {@code upstream}, with defaults for the rest. */
    public static ChaosProxy start(URI upstream) {
        return builder().upstream(upstream).start();
    }

    /**
     * The URI a client should connect to: {@code ws://} (or {@code wss://} with a TLS listener), the proxy's
     * address and the upstream's path and query.
     */
    public URI uri() {
        URI target = upstream.uri();
        String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        return uri(path + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery()));
    }

    /** The URI a client should use for {@code pathAndQuery} (e.g. {@code "/socket.io/?EIO=4&transport=websocket"}). */
    public URI uri(String pathAndQuery) {
        Objects.requireNonNull(pathAndQuery, "pathAndQuery");
        if (!pathAndQuery.startsWith("/")) {
            throw new IllegalArgumentException("path '" + pathAndQuery + "' must start with '/'");
        }
        InetSocketAddress address = address();
        // RFC 5952 form for IPv6 (ws://[::1]:port, not ws://[0:0:0:0:0:0:0:1]:port).
        String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : NetUtil.toAddressString(address.getAddress());
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        try {
            return new URI((certificate == null ? "ws" : "wss") + "://" + host + ":" + address.getPort() + pathAndQuery);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("path '" + pathAndQuery + "' does not form a valid URI: " + e.getMessage(), e);
        }
    }

    /** The address the proxy listens on. */
    public InetSocketAddress address() {
        return server.localAddress();
    }

    /** The port the proxy listens on. */
    public int port() {
        return address().getPort();
    }

    /** Where new connections are forwarded. */
    public URI upstream() {
        return upstream.uri();
    }

    /**
     * Forwards new connections to {@code newUpstream} from now on (for servers whose port is known only once
     * they run); connections already open stay with the old one.
     *
     * @throws IllegalArgumentException if the URI is not {@code ws://} or {@code wss://} with a host
     * @throws IllegalStateException if the proxy is closed
     */
    public ChaosProxy upstream(URI newUpstream) {
        checkOpen("upstream(" + newUpstream + ")");
        Upstream checked = Upstream.of(newUpstream);
        this.upstream = checked;
        server.upstream(checked);
        return this;
    }

    /** Every connection attempt seen since the start or the last {@link Recording#clear()}. */
    public Recording recording() {
        return log;
    }

    /**
     * The certificate the TLS listener presents and the trust material clients need to accept it.
     *
     * @throws IllegalStateException if the proxy was built without {@link Builder#tls()}
     */
    public ProxyCertificate certificate() {
        if (certificate == null) {
            throw new IllegalStateException("This proxy listens without TLS (" + uri() + "); build it with tls() for wss://");
        }
        return certificate;
    }

    /**
     * Arms {@code fault} for every connection; close the handle to disarm it.
     *
     * @throws IllegalStateException if the fault needs a TLS listener and this proxy has none
     */
    public FaultHandle inject(Fault fault) {
        return inject(fault, Target.all());
    }

    /**
     * Arms each of {@code faults} for every connection, in order: a profile, {@code proxy.inject(Profiles.herokuRouter())}.
     *
     * @return a handle per fault, in the same order; close them to disarm
     * @throws IllegalStateException if a fault needs a TLS listener and this proxy has none (the faults before it stay armed)
     */
    public List<FaultHandle> inject(List<? extends Fault> faults) {
        return inject(faults, Target.all());
    }

    /**
     * Arms each of {@code faults} for the connections {@code target} picks, in order.
     *
     * @return a handle per fault, in the same order; close them to disarm
     * @throws IllegalArgumentException as {@link #inject(Fault, Target)} (the faults before it stay armed)
     * @throws IllegalStateException as {@link #inject(Fault, Target)}
     */
    public List<FaultHandle> inject(List<? extends Fault> faults, Target target) {
        Objects.requireNonNull(faults, "faults");
        List<FaultHandle> handles = new ArrayList<>(faults.size());
        for (Fault fault : faults) {
            handles.add(inject(fault, target));
        }
        return List.copyOf(handles);
    }

    /**
     * Arms {@code fault} for the connections {@code target} picks; close the handle to disarm it.
     *
     * @throws IllegalArgumentException if the target needs the request (a path, or {@link Target#upgrades()}) but the
     *     fault acts before it is read (TLS mismatch, the Toxiproxy toxics)
     * @throws IllegalStateException if the fault needs a TLS listener and this proxy has none, or if the proxy is closed
     */
    public FaultHandle inject(Fault fault, Target target) {
        checkOpen("inject(" + fault + ")");
        checkListener(fault, certificate != null);
        server.prepare(fault);
        return faults.arm(fault, target);
    }

    /**
     * @throws IllegalStateException if the proxy is closed: a fault armed or an upstream set on it would act on no
     *     connection, and a test that reaches a closed proxy (an old reference, a proxy of another test) is told so
     */
    private void checkOpen(String call) {
        if (server.isClosed()) {
            throw new IllegalStateException(call + " on a closed proxy (" + this + "): faults and upstreams act on a"
                    + " running proxy only; start a new one, or keep this one open until the test ends");
        }
    }

    /** @throws IllegalStateException if {@code fault} needs a TLS listener and the proxy has none */
    private static void checkListener(Fault fault, boolean tlsListener) {
        if (fault instanceof ForceTlsMismatch tls && !tlsListener && needsTlsListener(tls.mode())) {
            throw new IllegalStateException("TLS mismatch " + tls.mode() + " changes the certificate of a TLS listener, "
                    + "but this proxy listens without TLS; build it with tls() (in a JUnit test: @WebSocketChaos(tls = true); on the"
                    + " command line: --tls)");
        }
    }

    private static boolean needsTlsListener(TlsMismatch mode) {
        return mode != TlsMismatch.PLAIN_LISTENER && mode != TlsMismatch.TLS_LISTENER;
    }

    /** Every fault armed now, in arming order. */
    public List<FaultHandle> faults() {
        return faults.armed();
    }

    /** Disarms every fault; open connections go back to plain relaying where that makes sense. */
    public void disarmAll() {
        faults.disarmAll();
    }

    /**
     * {@code production} in this proxy's time: multiplied by the time scale. Give it to the app's own timers
     * (heartbeats, reconnect delays) so that they keep their proportion to the faults' scaled timeouts.
     */
    public Duration scaled(Duration production) {
        return faults.scale(production);
    }

    /** The factor applied to every fault duration (1.0: production time). */
    public double timeScale() {
        return timeScale;
    }

    /** Whether the proxy is listening. */
    public boolean isRunning() {
        return server.isOpen();
    }

    /**
     * Closes the listener and every connection (recorded as closed by the proxy) and stops the threads; returns once
     * they have ended. Idempotent, and safe from several threads at once: every caller returns once the proxy is
     * closed. Called on one of the proxy's own threads (in a {@link io.github.wschaos.record.RecordingListener}), it
     * starts the close and returns at once, as waiting there would wait for itself. Afterwards the recording can still be
     * read; {@link #inject} and {@link #upstream(URI)} throw {@link IllegalStateException}.
     */
    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "ChaosProxy " + (isRunning() ? uri() : "(closed)") + " -> " + upstream;
    }

    /** Settings for a {@link ChaosProxy}. Every setting but the upstream has a default. */
    public static final class Builder {

        private Upstream upstream;
        private String listenHost = "127.0.0.1";
        private int port;
        private boolean allowNonLoopback;
        private boolean tls;
        private ProxyCertificate sharedCertificate;
        private long seed = 0x5eed;
        private double timeScale = 1.0;
        private TrustManagerFactory upstreamTrust;
        private boolean trustAnyUpstream;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private int maxHeaderSize = 32 * 1024;
        private int maxUpstreamHeaderSize = HttpCodecs.MAX_RESPONSE_HEAD;
        private int ioThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
        private int recordingLimit = ConnectionLog.DEFAULT_LIMIT;
        private final List<FaultAtStart> faults = new ArrayList<>();

        private Builder() {
        }

        private record FaultAtStart(Fault fault, Target target) {
        }

        /** {@link #fault(Fault, Target)} for every connection. */
        public Builder fault(Fault fault) {
            return fault(fault, Target.all());
        }

        /**
         * Arms {@code fault} from the start, before the listener opens, so that no connection gets past it, not even
         * one that comes the moment the port opens (a client or a readiness check that polls the port); as
         * {@link ChaosProxy#inject(Fault, Target)} after {@link #start()}, whose handles {@link ChaosProxy#faults()}
         * lists. Faults arm in the order given.
         *
         * @throws IllegalArgumentException here, if the target needs the request but the fault acts before it is read
         */
        public Builder fault(Fault fault, Target target) {
            Objects.requireNonNull(fault, "fault");
            Objects.requireNonNull(target, "target");
            FaultEngine.checkTarget(fault, target);
            faults.add(new FaultAtStart(fault, target));
            return this;
        }

        /**
         * Where to forward: {@code ws://host[:port][/path]} or {@code wss://...}.
         *
         * @throws IllegalArgumentException naming the URI when its scheme or host is wrong
         */
        public Builder upstream(URI uri) {
            this.upstream = Upstream.of(uri);
            return this;
        }

        /** The same as {@link #upstream(URI)} from a string. */
        public Builder upstream(String uri) {
            Objects.requireNonNull(uri, "upstream URI");
            try {
                return upstream(new URI(uri));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("upstream URI '" + uri + "' is not a valid URI: " + e.getMessage()
                        + "; expected ws://host[:port][/path] or wss://host[:port][/path]", e);
            }
        }

        /** The port to listen on; 0 (the default) picks a free ephemeral port. */
        public Builder port(int port) {
            this.port = ListenAddresses.checkPort(port);
            return this;
        }

        /**
         * The address to listen on, {@code 127.0.0.1} by default. Anything that is not a loopback address needs
         * {@link #allowNonLoopback()} as well, so that a test never exposes the proxy by accident.
         */
        public Builder listenHost(String host) {
            this.listenHost = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Allows a non-loopback {@link #listenHost(String)}. */
        public Builder allowNonLoopback() {
            this.allowNonLoopback = true;
            return this;
        }

        /** Listens with TLS ({@code wss://}) using a certificate generated in memory for the loopback names. */
        public Builder tls() {
            this.tls = true;
            return this;
        }

        /**
         * Listens with TLS ({@code wss://}) presenting the certificate of {@code certificate}
         * ({@link ProxyCertificate#generate()}): every proxy built with it is trusted by the same client trust.
         */
        public Builder tls(ProxyCertificate certificate) {
            this.sharedCertificate = Objects.requireNonNull(certificate, "certificate");
            this.tls = true;
            return this;
        }

        /** The seed of every random choice (probability targets): the same seed hits the same attempts. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Multiplies every fault duration (idle timeouts, delays) by {@code factor}, so that a 55-second production
         * timeout runs in 550 ms with {@code 0.01}. Pass the app's own timers through {@link ChaosProxy#scaled}.
         */
        public Builder timeScale(double factor) {
            if (!(factor > 0.0) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException("time scale " + factor + " must be a positive finite number, e.g. 0.01");
            }
            this.timeScale = factor;
            return this;
        }

        /** Trusts these certificates on a {@code wss://} upstream instead of the JDK's default trust store. */
        public Builder upstreamTrust(TrustManagerFactory trust) {
            this.upstreamTrust = Objects.requireNonNull(trust, "trust");
            return this;
        }

        /** Accepts any certificate from a {@code wss://} upstream, without checking it or its host name. */
        public Builder trustAnyUpstreamCertificate() {
            this.trustAnyUpstream = true;
            return this;
        }

        /** How long to wait for the upstream to accept a connection; after that the client gets {@code 504}. */
        public Builder connectTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("connect timeout " + timeout + " must be positive, e.g. PT5S");
            }
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * How long a client may take to send its whole request head; after that the proxy closes the connection
         * without an answer, as nginx's {@code client_header_timeout} (60 s by default, as nginx's).
         */
        public Builder requestTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("request timeout " + timeout + " must be positive, e.g. PT60S");
            }
            this.requestTimeout = timeout;
            return this;
        }

        /**
         * The request headers accepted from a client, as nginx's {@code large_client_header_buffers 4 8k}: 4 buffers of
         * a quarter of this each, after a first one of 1 KiB, each holding whole header lines. 32 KiB by default, so
         * 8 KiB a line. A line longer than a buffer, or lines that fit in none (9 of 3,000 bytes), get
         * {@code 400 Request Header Or Cookie Too Large}; a request line over 8 KiB gets {@code 414}.
         */
        public Builder maxHeaderSize(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("max header size " + bytes + " is too small; accepted are 1024 bytes and more");
            }
            this.maxHeaderSize = bytes;
            return this;
        }

        /**
         * The largest response head taken from the upstream, its status line, header lines and blank line counted as
         * {@code name: value} and CRLF (a byte or a few off for a server that writes them otherwise); 64 KiB by default.
         * A larger head is not relayed: the client gets {@code 502 Bad Gateway} and the record says "upstream sent too
         * big header". {@code 4096} gives nginx's default {@code proxy_buffer_size} (one memory page, 4 KiB on x86-64
         * and most ARM servers), which answers so: a big {@code Set-Cookie} or {@code Content-Security-Policy} on the
         * {@code 101} that works without a proxy fails behind a default nginx.
         *
         * @param bytes 1,024 to 65,536
         */
        public Builder maxUpstreamHeaderSize(int bytes) {
            if (bytes < 1024 || bytes > HttpCodecs.MAX_RESPONSE_HEAD) {
                throw new IllegalArgumentException("max upstream header size " + bytes + " is out of range; accepted are"
                        + " 1024 to " + HttpCodecs.MAX_RESPONSE_HEAD + " bytes (4096: nginx's default proxy_buffer_size)");
            }
            this.maxUpstreamHeaderSize = bytes;
            return this;
        }

        /** The number of I/O threads; the number of cores by default. */
        public Builder ioThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("io threads " + threads + " must be at least 1");
            }
            this.ioThreads = threads;
            return this;
        }

        /**
         * How many ended connections the {@link ChaosProxy#recording() recording} keeps: the most recent ones, 10,000
         * by default (about 1 KiB of heap each). Every open connection is kept as well, and attempt numbers count every
         * connection all the same, so a proxy in front of a load test of millions of connections holds bounded memory.
         * A test that clears the recording between cases (the JUnit extension does) never comes near the limit.
         *
         * @param connections 0 (keep only open connections) or more
         */
        public Builder recordingLimit(int connections) {
            this.recordingLimit = ConnectionLog.checkLimit(connections);
            return this;
        }

        /**
         * Binds and starts the proxy.
         *
         * @throws IllegalStateException if the upstream is missing or the address cannot be bound (naming it)
         * @throws IllegalArgumentException if the listen host cannot be resolved, or is not a loopback address and
         *     {@link #allowNonLoopback()} was not called (naming it)
         * @throws IllegalStateException also if a {@link #fault} needs a TLS listener and {@link #tls()} was not called
         */
        public ChaosProxy start() {
            NettyVersions.check();
            if (upstream == null) {
                throw new IllegalStateException("No upstream: call upstream(\"ws://host:port/path\") before start()");
            }
            faults.forEach(armed -> checkListener(armed.fault(), tls));
            InetSocketAddress listen = new InetSocketAddress(ListenAddresses.resolve("listen host", listenHost, allowNonLoopback), port);
            ProxyCertificate certificate = !tls ? null : sharedCertificate != null ? sharedCertificate : ProxyCertificate.generate();
            ProxySettings settings = new ProxySettings(listen, certificate == null ? null : certificate.material(),
                    upstreamTls(), !trustAnyUpstream, connectTimeout, requestTimeout, maxHeaderSize, maxUpstreamHeaderSize,
                    ioThreads);
            return new ChaosProxy(this, upstream, settings, certificate);
        }

        private SslContext upstreamTls() {
            try {
                SslContextBuilder builder = SslContextBuilder.forClient();
                if (trustAnyUpstream) {
                    builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
                } else if (upstreamTrust != null) {
                    builder.trustManager(upstreamTrust);
                }
                return builder.build();
            } catch (SSLException e) {
                throw new IllegalStateException("Could not set up TLS towards the upstream: " + e.getMessage(), e);
            }
        }
    }
}
