package io.github.wschaos.fault;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fault catalogue: one factory per real-world failure. Each fault's own type documents what the client
 * observes; {@link Profiles} bundles the faults of named platforms.
 */
public final class Faults {

    /** Every fault's {@link Fault#name()}, in the catalogue's order. */
    private static final Set<String> NAMES = Collections.unmodifiableSet(new LinkedHashSet<>(List.of("strip-upgrade-headers",
            "drop-idle", "tls-mismatch", "reject-origins", "refuse", "blackhole", "delay-handshake", "respond-with-status",
            "close-with-code", "reset", "swallow-pings", "half-open", "latency", "bandwidth", "slow-close", "timeout",
            "reset-peer", "slicer", "limit-data")));

    private Faults() {
    }

    /**
     * The names faults have ({@link Fault#name()}): what the recording notes on a connection a fault touched, what
     * {@code attempt(n).wasHitBy(name)} takes and what the command line's {@code --fault} names.
     */
    public static Set<String> names() {
        return NAMES;
    }

    /** nginx without the upgrade configuration: the upstream never sees {@code Upgrade}. See {@link StripUpgradeHeaders}. */
    public static StripUpgradeHeaders stripUpgradeHeaders() {
        return new StripUpgradeHeaders();
    }

    /**
     * Idle connections closed after {@code timeout} with no data either way (Heroku, AWS ALB); a request left unanswered
     * that long gets a 504. See {@link DropIdleConnections}.
     */
    public static DropIdleConnections dropIdleConnections(Duration timeout) {
        return new DropIdleConnections(timeout, IdleTimer.ANY_DATA);
    }

    /** Idle connections closed after {@code timeout}, counting only {@code resetOn} traffic. */
    public static DropIdleConnections dropIdleConnections(Duration timeout, IdleTimer resetOn) {
        return new DropIdleConnections(timeout, resetOn);
    }

    /** {@link DropIdleConnections}, ending an idle connection as {@code cut} says: a FIN, or a reset (Azure's). */
    public static DropIdleConnections dropIdleConnections(Duration timeout, IdleTimer resetOn, IdleCut cut) {
        return new DropIdleConnections(timeout, resetOn, cut);
    }

    /** TLS between client and proxy fails in the given way. See {@link TlsMismatch}. */
    public static ForceTlsMismatch forceTlsMismatch(TlsMismatch mode) {
        return new ForceTlsMismatch(mode);
    }

    /** Handshakes from any other origin answered with {@code 403 Forbidden}. */
    public static RejectOrigins rejectOrigins(String... allowed) {
        return new RejectOrigins(new LinkedHashSet<>(Arrays.asList(allowed)), 403);
    }

    /** Handshakes from any other origin answered with {@code status}. */
    public static RejectOrigins rejectOrigins(int status, String... allowed) {
        return new RejectOrigins(new LinkedHashSet<>(Arrays.asList(allowed)), status);
    }

    /** Connections reset as soon as they are accepted. */
    public static RefuseConnections refuseConnections() {
        return new RefuseConnections();
    }

    /** Connections accepted and never answered. */
    public static Blackhole blackhole() {
        return new Blackhole();
    }

    /** Handshakes held for {@code delay}. */
    public static DelayHandshake delayHandshake(Duration delay) {
        return new DelayHandshake(delay);
    }

    /** Handshakes answered with {@code status} and nginx's plain body, e.g. {@code 502}. */
    public static RespondWithStatus respondWithStatus(int status) {
        return new RespondWithStatus(status, Map.of(), "");
    }

    /** Handshakes answered with {@code status}, {@code headers} and {@code body}, e.g. 503 with {@code Retry-After}. */
    public static RespondWithStatus respondWithStatus(int status, Map<String, String> headers, String body) {
        return new RespondWithStatus(status, headers, body);
    }

    /** Upgraded connections closed by a close frame with {@code code} and {@code reason}, sent to both sides, at once. */
    public static CloseWithCode closeWithCode(int code, String reason) {
        return new CloseWithCode(code, reason, Duration.ZERO, true);
    }

    /** Upgraded connections closed by a close frame {@code after} the upgrade. */
    public static CloseWithCode closeWithCode(int code, String reason, Duration after) {
        return new CloseWithCode(code, reason, after, true);
    }

    /** Upgraded connections reset (RST) at once. */
    public static ResetConnection resetConnection() {
        return new ResetConnection(Duration.ZERO);
    }

    /** Upgraded connections reset (RST) {@code after} the upgrade. */
    public static ResetConnection resetConnection(Duration after) {
        return new ResetConnection(after);
    }

    /** Pings and pongs dropped in both directions. */
    public static SwallowControlFrames swallowPings() {
        return new SwallowControlFrames(Direction.BOTH);
    }

    /** Pings and pongs dropped in {@code direction}. */
    public static SwallowControlFrames swallowPings(Direction direction) {
        return new SwallowControlFrames(direction);
    }

    /** All data in {@code direction} dropped while TCP stays open. */
    public static HalfOpen halfOpen(Direction direction) {
        return new HalfOpen(direction);
    }

    /** Toxiproxy's {@code latency}: each chunk in {@code direction} delayed by {@code latency}, order kept. See {@link Latency}. */
    public static Latency latency(Duration latency, Direction direction) {
        return new Latency(latency, Duration.ZERO, direction);
    }

    /** Toxiproxy's {@code latency} with {@code jitter}: each chunk delayed by {@code latency} ± {@code jitter}. */
    public static Latency latency(Duration latency, Duration jitter, Direction direction) {
        return new Latency(latency, jitter, direction);
    }

    /** Toxiproxy's {@code bandwidth}: at most {@code rateKbPerSecond} × 1000 bytes per second. See {@link Bandwidth}. */
    public static Bandwidth bandwidth(long rateKbPerSecond, Direction direction) {
        return new Bandwidth(rateKbPerSecond, direction);
    }

    /** Toxiproxy's {@code slow_close}: a close in {@code direction} reaches the other side {@code delay} late. */
    public static SlowClose slowClose(Duration delay, Direction direction) {
        return new SlowClose(delay, direction);
    }

    /**
     * Toxiproxy's {@code timeout}: bytes in {@code direction} dropped, the connection closed after {@code timeout} without
     * any (zero: never).
     */
    public static Timeout timeout(Duration timeout, Direction direction) {
        return new Timeout(timeout, direction);
    }

    /** Toxiproxy's {@code reset_peer}: RST {@code timeout} after the first bytes in {@code direction}. See {@link ResetPeer}. */
    public static ResetPeer resetPeer(Duration timeout, Direction direction) {
        return new ResetPeer(timeout, direction);
    }

    /** Toxiproxy's {@code slicer}: chunks cut into pieces of about {@code averageSize} bytes, {@code delay} apart. */
    public static Slicer slicer(int averageSize, int sizeVariation, Duration delay, Direction direction) {
        return new Slicer(averageSize, sizeVariation, delay, direction);
    }

    /** Toxiproxy's {@code limit_data}: the connection closed once {@code bytes} bytes have passed in {@code direction}. */
    public static LimitData limitData(long bytes, Direction direction) {
        return new LimitData(bytes, direction);
    }
}
