package io.github.wschaos.diagnose;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the steps of one run of the checklist share: the options, what earlier steps learned (the address, the
 * {@code Server} header, the origin that works, the connect and handshake times, whether a pong came), the checks
 * and findings so far; with {@link #fail} and the timing helpers the steps report with.
 */
final class RunContext {

    /** A handshake answered later than this is reported as slow, and so is a ping round trip. */
    static final Duration SLOW_HANDSHAKE = Duration.ofSeconds(1);
    /**
     * A connection that stays silent this long (or four TCP connect times, if longer) before it is closed or reset
     * was held open on purpose; a refusal comes within about a round trip.
     */
    static final Duration SILENCE = Duration.ofMillis(500);

    final DiagnosisOptions options;
    final Endpoint endpoint;
    /** The timeout as a socket timeout. */
    final int timeoutMillis;
    /** The checks by step, as the steps put them; the report orders them. */
    final Map<String, Check> checks = new LinkedHashMap<>();
    final List<Finding> findings = new ArrayList<>();
    /** The endpoint's address, once the TCP connect step resolved it. */
    InetAddress address;
    /** The {@code Server} header of the answer to the first upgrade request ("" when none). */
    String server = "";
    /** The proxy that answer names (by its Via or Server header, or its error page), or {@code UNKNOWN}. */
    Fixes.Proxy proxy = Fixes.Proxy.UNKNOWN;
    /** The first step that failed, or null. */
    String failedStep;
    /** The {@code Origin} the idle connections send: one that got a {@code 101}, or null for none. */
    String workingOrigin;
    /** Whether a {@code 101} came to a handshake that carried an {@code Origin}. */
    boolean originSent;
    long connectNanos;
    long handshakeNanos;
    /** Whether the ping on the first connection was answered. */
    boolean pong;

    RunContext(DiagnosisOptions options) {
        this.options = options;
        this.endpoint = options.endpoint();
        this.timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, options.timeout().toMillis()));
    }

    /**
     * The address connected to and the port, as an address is written next to a port: {@code 127.0.0.1:8080},
     * {@code [::1]:8080} (an IPv6 address in brackets, in its short form).
     */
    String target() {
        return io.netty.util.NetUtil.toSocketAddressString(new java.net.InetSocketAddress(address, endpoint.port()));
    }

    /** Records {@code step} as failed with {@code evidence}, and {@code finding}. */
    void fail(String step, String evidence, long start, Finding finding) {
        checks.put(step, Check.failed(step, evidence, since(start)));
        if (failedStep == null) {
            failedStep = step;
        }
        findings.add(finding);
    }

    /**
     * Whether a connection that ended without an answer (or a TLS handshake without a certificate) was silent long
     * enough to be held open on purpose: a server refusing answers within about a round trip (the TCP connect).
     */
    boolean silentFor(long start) {
        return System.nanoTime() - start >= Math.max(SILENCE.toNanos(), 4 * connectNanos);
    }

    /** The time since {@code start} ({@link System#nanoTime()}). */
    static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** The time since {@code start} as evidence, e.g. "12 ms". */
    static String millis(long start) {
        return (System.nanoTime() - start) / 1_000_000 + " ms";
    }

    /** {@code nanos} as evidence, e.g. "1.5 s". */
    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
