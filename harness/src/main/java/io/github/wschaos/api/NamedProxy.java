package io.github.wschaos.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.wschaos.ChaosProxy;
import io.github.wschaos.fault.Direction;
import io.github.wschaos.fault.Fault;
import io.github.wschaos.fault.FaultHandle;
import io.github.wschaos.fault.ForceTlsMismatch;
import io.github.wschaos.fault.TlsMismatch;
import io.github.wschaos.fault.Target;
import io.github.wschaos.internal.PemTrust;
import io.github.wschaos.record.ConnectionRecord;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.TrustManagerFactory;

/**
 * One proxy of the API: a name, a listen address, an upstream, whether it is enabled, its toxics, and the recording
 * of its connections. While enabled it is a running {@link ChaosProxy}; disabling closes that proxy (its listener and
 * every connection), enabling starts a new one on the same address and arms the toxics again. wschaos adds two
 * fields: {@code tls} (the listener serves TLS with the server's certificate) and {@code upstream_ca} (what a
 * {@code wss://} upstream's certificate must chain to). The recording spans
 * every run: attempts are numbered on, and times count from the creation (or the last clear).
 *
 * <p>Not thread-safe: the {@link ProxyCollection} calls it under its lock.
 */
final class NamedProxy {

    /** A toxic of this proxy: its fields as the API shows them, and the armed fault (null while disabled or inert). */
    static final class Toxic {
        final String name;
        final String type;
        final String stream;
        final Direction direction;
        float toxicity;
        ObjectNode attributes;
        FaultHandle handle;

        Toxic(String name, String type, String stream, Direction direction, float toxicity, ObjectNode attributes) {
            this.name = name;
            this.type = type;
            this.stream = stream;
            this.direction = direction;
            this.toxicity = toxicity;
            this.attributes = attributes;
        }

        Fault fault() {
            return ToxicTypes.fault(ToxicTypes.get(type), attributes, direction);
        }

        Target target() {
            return toxicity >= 1.0f ? Target.all() : Target.probability(toxicity);
        }
    }

    /**
     * The connections of one run that the recording still keeps, how many attempts the run had, and the offsets that
     * continue the numbering and the clock.
     */
    record Run(int attemptOffset, int attempts, Duration timeOffset, List<ConnectionRecord> connections) {
    }

    final String name;
    private final ServerSettings settings;
    private String listen;
    private String upstream;
    private boolean tls;
    private String upstreamCa;
    private ChaosProxy proxy;
    private final List<Toxic> toxics = new ArrayList<>();
    private final List<Run> runs = new ArrayList<>();
    private long originNanos = System.nanoTime();
    private int attemptOffset;
    private Duration timeOffset = Duration.ZERO;

    /**
     * A proxy, not started yet.
     *
     * @param tls whether the listener serves TLS with the server's certificate (wschaos's {@code "tls"})
     * @param upstreamCa PEM certificates a {@code wss://} upstream must chain to, or empty for the JDK's trust store
     * @throws ApiError 400 naming a bad upstream or {@code upstream_ca}
     */
    NamedProxy(String name, String listen, String upstream, boolean tls, String upstreamCa, ServerSettings settings) {
        checkUpstream(upstream, upstreamCa);
        this.name = name;
        this.listen = listen;
        this.upstream = upstream;
        this.tls = tls;
        this.upstreamCa = upstreamCa;
        this.settings = settings;
    }

    String listen() {
        return listen;
    }

    String upstream() {
        return upstream;
    }

    boolean tls() {
        return tls;
    }

    String upstreamCa() {
        return upstreamCa;
    }

    /** Whether {@code listen}, {@code upstream}, {@code tls} and {@code upstream_ca} are this proxy's. */
    boolean sameAs(String otherListen, String otherUpstream, boolean otherTls, String otherUpstreamCa) {
        return sameListen(otherListen) && upstream.equals(otherUpstream) && tls == otherTls
                && upstreamCa.equals(otherUpstreamCa);
    }

    boolean enabled() {
        return proxy != null;
    }

    ChaosProxy proxy() {
        return proxy;
    }

    /**
     * Starts listening, as Toxiproxy's {@code start}; a no-op when enabled. The listen address is replaced by the one
     * bound (port 0 resolved).
     *
     * @throws ApiError 500 with Go's wording when the address cannot be bound, 400 for a bad address or upstream
     */
    void start() {
        if (proxy != null) {
            return;
        }
        URI upstreamUri = upstreamUri(upstream);
        InetSocketAddress address = listenAddress(listen, settings.allowNonLoopback());
        ChaosProxy.Builder builder = ChaosProxy.builder()
                .upstream(upstreamUri)
                .listenHost(address.getAddress().getHostAddress())
                .port(address.getPort())
                .seed(settings.seed())
                .recordingLimit(settings.recordingLimit())
                .ioThreads(1);
        if (settings.allowNonLoopback()) {
            builder.allowNonLoopback();
        }
        if (tls) {
            builder.tls(settings.certificate().get());
        }
        if (!upstreamCa.isEmpty()) {
            builder.upstreamTrust(upstreamTrust(upstreamCa));
        }
        try {
            proxy = builder.start();
        } catch (IllegalStateException e) {
            String message = String.valueOf(e.getMessage());
            String bind = "listen tcp " + hostPort(address) + ": bind: ";
            throw new ApiError(500, message.contains("already in use") ? bind + "address already in use" : bind + message);
        }
        listen = hostPort(proxy.address());
        timeOffset = Duration.ofNanos(System.nanoTime() - originNanos).minus(proxy.recording().elapsed());
        if (timeOffset.isNegative()) {
            timeOffset = Duration.ZERO;
        }
        for (Toxic toxic : toxics) {
            arm(toxic);
        }
    }

    /** Closes the listener and every connection, as Toxiproxy's {@code stop}; a no-op when disabled. */
    void stop() {
        if (proxy == null) {
            return;
        }
        ChaosProxy stopping = proxy;
        proxy = null;
        toxics.forEach(t -> t.handle = null);
        stopping.close();
        int attempts = stopping.recording().attempts();
        runs.add(new Run(attemptOffset, attempts, timeOffset, stopping.recording().connections()));
        attemptOffset += attempts;
        keepWithinLimit();
    }

    /** Past runs keep, all together, as many ended connections as one proxy's recording: the most recent. */
    private void keepWithinLimit() {
        int excess = runs.stream().mapToInt(run -> run.connections().size()).sum() - settings.recordingLimit();
        for (int i = 0; i < runs.size() && excess > 0; i++) {
            Run run = runs.get(i);
            int drop = Math.min(excess, run.connections().size());
            runs.set(i, new Run(run.attemptOffset(), run.attempts(), run.timeOffset(),
                    List.copyOf(run.connections().subList(drop, run.connections().size()))));
            excess -= drop;
        }
    }

    /**
     * Applies a POST to the proxy: a new listen address or upstream (or wschaos's {@code tls}, {@code upstream_ca})
     * restarts it (dropping its connections), then {@code enabled} starts or stops it, as Toxiproxy's {@code Update}.
     */
    void update(String newListen, String newUpstream, boolean newTls, String newUpstreamCa, boolean enable) {
        checkUpstream(newUpstream, newUpstreamCa);
        if (!newTls) {
            toxics.forEach(t -> checkFits(t, false));
        }
        if (!sameAs(newListen, newUpstream, newTls, newUpstreamCa)) {
            stop();
            listen = newListen;
            upstream = newUpstream;
            tls = newTls;
            upstreamCa = newUpstreamCa;
        }
        if (enable) {
            start();
        } else {
            stop();
        }
    }

    private boolean sameListen(String other) {
        if (other.equals(listen)) {
            return true;
        }
        try {
            return listenAddress(other, true).equals(listenAddress(listen, true));
        } catch (ApiError e) {
            return false;
        }
    }

    /** Every toxic, upstream ones first, then downstream, each in the order added: Toxiproxy's list order. */
    List<Toxic> toxics() {
        List<Toxic> ordered = new ArrayList<>(toxics);
        ordered.sort(Comparator.comparingInt(t -> t.direction == Direction.UPSTREAM ? 0 : 1));
        return ordered;
    }

    Toxic toxic(String toxicName) {
        return toxics.stream().filter(t -> t.name.equals(toxicName)).findFirst().orElse(null);
    }

    /** Adds a checked toxic and arms it when the proxy runs. */
    void add(Toxic toxic) {
        checkFits(toxic, tls); // checks the values before anything changes
        arm(toxic);
        toxics.add(toxic);
    }

    /** Replaces a toxic's attributes and toxicity, re-arming it. */
    void update(Toxic toxic, ObjectNode attributes, float toxicity) {
        Toxic probe = new Toxic(toxic.name, toxic.type, toxic.stream, toxic.direction, toxicity, attributes);
        checkFits(probe, tls);
        disarm(toxic);
        toxic.attributes = attributes;
        toxic.toxicity = toxicity;
        arm(toxic);
    }

    void remove(Toxic toxic) {
        disarm(toxic);
        toxics.remove(toxic);
    }

    void removeAllToxics() {
        List.copyOf(toxics).forEach(this::remove);
    }

    /**
     * Checks a toxic's values, and that a {@code tls_mismatch} mode that changes the listener's certificate has a TLS
     * listener to change.
     *
     * @throws ApiError 400 naming the value
     */
    private void checkFits(Toxic toxic, boolean tlsListener) {
        if (toxic.fault() instanceof ForceTlsMismatch mismatch && !tlsListener
                && mismatch.mode() != TlsMismatch.PLAIN_LISTENER && mismatch.mode() != TlsMismatch.TLS_LISTENER) {
            throw ApiError.badBody("tls_mismatch: mode \"" + mismatch.mode().name().toLowerCase(Locale.ROOT)
                    + "\" changes the certificate of a TLS listener, but proxy " + name + " listens without TLS; create it with "
                    + "\"tls\": true, or use mode plain_listener or tls_listener");
        }
    }

    private void arm(Toxic toxic) {
        if (proxy == null) {
            return;
        }
        Fault fault = toxic.fault();
        if (fault == null) {
            return;
        }
        try {
            toxic.handle = proxy.inject(fault, toxic.target());
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw ApiError.badBody(toxic.type + ": " + e.getMessage());
        }
    }

    private static void disarm(Toxic toxic) {
        if (toxic.handle != null) {
            toxic.handle.close();
            toxic.handle = null;
        }
    }

    /** Every connection of every run, attempts numbered on, as the recording route shows them. */
    List<Run> recording() {
        List<Run> all = new ArrayList<>(runs);
        if (proxy != null) {
            // The connections first: an attempt's number is counted before its record is listed, so the count read
            // after them covers every attempt listed, however busy the listener.
            List<ConnectionRecord> connections = proxy.recording().connections();
            all.add(new Run(attemptOffset, proxy.recording().attempts(), timeOffset, connections));
        }
        return all;
    }

    /** Forgets every connection recorded so far; times count from now. */
    void clearRecording() {
        runs.clear();
        attemptOffset = 0;
        originNanos = System.nanoTime();
        timeOffset = Duration.ZERO;
        if (proxy != null) {
            proxy.recording().clear();
        }
    }

    /**
     * Checks an upstream and its {@code upstream_ca}: the CA is PEM and only goes with a {@code wss://} upstream.
     *
     * @throws ApiError 400 naming the value
     */
    static void checkUpstream(String upstream, String upstreamCa) {
        URI uri = upstreamUri(upstream);
        if (!upstreamCa.isEmpty()) {
            if (!uri.getScheme().equalsIgnoreCase("wss")) {
                throw ApiError.badBody("\"upstream_ca\" is for a wss:// upstream, but upstream \"" + upstream
                        + "\" is plain; give upstream as wss://host:port, or leave upstream_ca out");
            }
            upstreamTrust(upstreamCa);
        }
    }

    /**
     * The trust an {@code upstream_ca} gives.
     *
     * @throws ApiError 400 naming the field when it holds no PEM certificate
     */
    private static TrustManagerFactory upstreamTrust(String upstreamCa) {
        try {
            return PemTrust.of(upstreamCa);
        } catch (IllegalArgumentException e) {
            throw ApiError.badBody("\"upstream_ca\" is " + e.getMessage());
        }
    }

    /**
     * Toxiproxy's {@code host:port} upstream as {@code ws://host:port} (the path is the client's), or a {@code ws://}
     * or {@code wss://} URI as it is.
     *
     * @throws ApiError 400 naming the value when it is neither
     */
    static URI upstreamUri(String upstream) {
        String text = upstream.contains("://") ? upstream : "ws://" + upstream;
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("ws") && !scheme.equals("wss") || uri.getHost() == null) {
                throw new URISyntaxException(text, "not ws:// or wss:// with a host");
            }
            if (!upstream.contains("://") && uri.getPort() < 0) {
                throw new URISyntaxException(text, "host:port without its port");
            }
            ChaosProxy.builder().upstream(uri); // the proxy's own checks
            return uri;
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw ApiError.badBody("upstream \"" + upstream + "\" is not host:port, ws://host:port[/path] "
                    + "or wss://host:port[/path]");
        }
    }

    /**
     * A listen address in Go's form: {@code host:port}, {@code [v6]:port}; an empty host means every address (only
     * with non-loopback listening allowed), an empty string {@code 127.0.0.1:0}.
     */
    static InetSocketAddress listenAddress(String listen, boolean allowNonLoopback) {
        if (listen.isEmpty()) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        }
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new ApiError(500, "listen tcp: address " + listen + ": missing port in address");
        }
        String host = listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ApiError(500, "listen tcp: lookup port " + listen.substring(colon + 1) + ": unknown port");
        }
        if (port < 0 || port > 65535) {
            throw new ApiError(500, "listen tcp: address " + port + ": invalid port");
        }
        InetAddress address;
        try {
            address = host.isEmpty() ? InetAddress.getByName("0.0.0.0") : InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new ApiError(500, "listen tcp: lookup " + host + ": no such host");
        }
        if (!address.isLoopbackAddress() && !allowNonLoopback) {
            throw ApiError.badBody("listen \"" + listen + "\" is not a loopback address; this server binds proxies to "
                    + "loopback only unless started with allowNonLoopback() (--allow-non-loopback)");
        }
        return new InetSocketAddress(address, port);
    }

    /** Go's {@code Addr().String()}: {@code 127.0.0.1:8080}, {@code [::1]:8080} (RFC 5952, as Go shortens it). */
    static String hostPort(InetSocketAddress address) {
        return NetUtil.toSocketAddressString(address);
    }
}
