package io.github.wschaos.fault;

import java.time.Duration;
import java.util.Objects;

/**
 * Which connections a fault hits. Attempts are numbered from 1 since the recording started (the proxy's start
 * or the last clear); "the next N" counts from the moment the fault is armed.
 *
 * <pre>{@code
 * proxy.inject(Faults.refuseConnections(), Target.next(3));            // the next three attempts
 * proxy.inject(Faults.stripUpgradeHeaders(), Target.path("/_next/webpack-hmr"));
 * proxy.inject(Faults.dropIdleConnections(ofSeconds(2)), Target.probability(0.3));
 * proxy.inject(Faults.blackhole(), Target.upgrades());                  // a firewall that drops WebSockets only
 * }</pre>
 *
 * <p>Targets combine with {@link #and(Target)}. A probability is drawn from the proxy's seed and the attempt
 * number, so the same seed hits the same attempts whatever the threads do.
 */
public sealed interface Target {

    /** Every connection (the default). */
    static Target all() {
        return All.INSTANCE;
    }

    /**
     * The next {@code count} connections the fault meets after it is armed, then none. For the faults that act on the
     * request head, the next {@code count} requests: a fault that lets a keep-alive connection go on
     * ({@link Faults#delayHandshake}) counts each request of it that it meets.
     */
    static Target next(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("next " + count + " connections: the count must be at least 1");
        }
        return new Next(count);
    }

    /** Attempts {@code first} to {@code last}, both included, 1-based. */
    static Target attempts(int first, int last) {
        if (first < 1 || last < first) {
            throw new IllegalArgumentException("attempts " + first + ".." + last
                    + ": accepted are 1 <= first <= last, e.g. attempts(2, 4)");
        }
        return new Attempts(first, last);
    }

    /** Attempt {@code number} only. */
    static Target attempt(int number) {
        return attempts(number, number);
    }

    /**
     * Requests whose path (without the query) is {@code path}, or lies under it when it ends with {@code /}
     * or {@code *}: {@code "/chat"}, {@code "/socket.io/"}, {@code "/_next/*"}. Not for faults that act before
     * the request is read ({@link Fault.Stage#CONNECT}, {@link Fault.Stage#BYTES}), except {@link Faults#blackhole()}
     * and {@link Faults#refuseConnections()}, which then act on the request head.
     */
    static Target path(String path) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path '" + path + "' must start with '/', e.g. /chat or /socket.io/");
        }
        return new Path(path);
    }

    /**
     * Requests that ask for a WebSocket upgrade ({@code Upgrade: websocket}); plain HTTP requests on the same
     * proxy (Socket.IO's long-polling, health checks, static pages) are relayed untouched. This is what a
     * corporate proxy or a deep-packet-inspecting firewall does when it lets HTTP through but not WebSockets:
     * {@code proxy.inject(Faults.blackhole(), Target.upgrades())} swallows the upgrade request and never answers
     * (the client's handshake times out), {@code Faults.refuseConnections()} resets the connection (RST) once the
     * upgrade request is read, {@code Faults.respondWithStatus(403)} answers it in the upstream's place.
     *
     * <p>{@link Faults#blackhole()} and {@link Faults#refuseConnections()} act on the request head, not on
     * accept, when their target includes upgrades or a path; the upstream never sees the request. Other faults that act
     * before the request is read ({@link Fault.Stage#CONNECT}, {@link Fault.Stage#BYTES}) reject this target.
     * Like {@link #path(String)}, it looks at every request of a connection, not only the first: a proxy in front
     * that pools its connections to the upstream (nginx with upstream {@code keepalive}, Apache, haproxy) sends an
     * upgrade over a connection that carried plain requests before.
     */
    static Target upgrades() {
        return Upgrades.INSTANCE;
    }

    /** Connections accepted at least {@code delay} after the fault was armed (scaled by the proxy's time scale). */
    static Target after(Duration delay) {
        Checks.notNegative("target delay", delay);
        return new After(delay);
    }

    /** Each connection with probability {@code p}, drawn from the proxy's seed and the attempt number. */
    static Target probability(double p) {
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("probability " + p + " is outside 0..1");
        }
        return new Probability(p);
    }

    /** Connections hit by both this target and {@code other}. */
    default Target and(Target other) {
        return new Both(this, Objects.requireNonNull(other, "other"));
    }

    /** Every connection. */
    enum All implements Target {
        INSTANCE;

        @Override
        public String toString() {
            return "all";
        }
    }

    /** Requests for a WebSocket upgrade. */
    enum Upgrades implements Target {
        INSTANCE;

        @Override
        public String toString() {
            return "upgrades";
        }
    }

    /** The next {@code count} connections after arming. */
    record Next(int count) implements Target {
        @Override
        public String toString() {
            return "next " + count;
        }
    }

    /** Attempts {@code first..last}. */
    record Attempts(int first, int last) implements Target {
        @Override
        public String toString() {
            return first == last ? "attempt " + first : "attempts " + first + ".." + last;
        }
    }

    /** Requests on a path or under a prefix. */
    record Path(String path) implements Target {

        /** Whether {@code requestPath} (no query) falls under this target. */
        public boolean matches(String requestPath) {
            if (path.endsWith("*")) {
                return requestPath.startsWith(path.substring(0, path.length() - 1));
            }
            if (path.endsWith("/") && path.length() > 1) {
                return requestPath.startsWith(path) || requestPath.equals(path.substring(0, path.length() - 1));
            }
            return requestPath.equals(path);
        }

        @Override
        public String toString() {
            return "path " + path;
        }
    }

    /** Connections from a time after arming on. */
    record After(Duration delay) implements Target {
        @Override
        public String toString() {
            return "after " + delay;
        }
    }

    /** A seeded probability. */
    record Probability(double p) implements Target {
        @Override
        public String toString() {
            return "probability " + p;
        }
    }

    /** Both targets. */
    record Both(Target first, Target second) implements Target {
        @Override
        public String toString() {
            return first + " and " + second;
        }
    }
}
