package io.github.wschaos.assertj;

import io.github.wschaos.record.ConnectionRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The reconnect schedule a client is expected to follow, as a value: constant or exponential, optionally capped,
 * with jitter, and with the rule that resets it. {@code ReconnectAssert.followBackoff(...)} compares it with the
 * delays the proxy recorded.
 *
 * <pre>{@code
 * Backoff.exponential(Duration.ofMillis(100), 2.0).cappedAt(Duration.ofMillis(800))   // 100, 200, 400, 800, 800, ...
 * Backoff.constant(Duration.ofMillis(250))
 * Backoff.exponential(Duration.ofMillis(100), 2.0).withJitter(0.5)                   // socket.io's randomizationFactor
 * }</pre>
 *
 * <p>The n-th delay (0-based) since the last reset is {@code d = min(initial * factor^n, cap)}; with jitter
 * {@code j} any delay within {@code [d * (1 - j), min(d * (1 + j), cap)]} is accepted: the cap is a hard limit, as in
 * socket.io ({@code min(jittered, max)}) and AWS's full jitter. {@link #jitterAboveCap()} lets the jitter go past the
 * cap, to {@code d * (1 + j)}, as Resilience4j's {@code ofExponentialRandomBackoff} does (it randomizes the capped
 * delay). The {@link Tolerance} is added to both bounds. By default the schedule resets after
 * every connection that upgraded (the common "reset on open"); {@link #resetAfterLiving(Duration)} resets it
 * only after a connection that lived that long, and {@link #neverReset()} never.
 */
public final class Backoff {

    private final Duration initial;
    private final double factor;
    private final Duration cap;
    private final double jitter;
    private final Duration resetAfter;
    private final boolean resetOnOpen;
    private final boolean jitterAboveCap;

    private Backoff(Duration initial, double factor, Duration cap, double jitter, Duration resetAfter, boolean resetOnOpen,
            boolean jitterAboveCap) {
        this.jitterAboveCap = jitterAboveCap;
        this.initial = initial;
        this.factor = factor;
        this.cap = cap;
        this.jitter = jitter;
        this.resetAfter = resetAfter;
        this.resetOnOpen = resetOnOpen;
    }

    /** The same delay before every attempt. */
    public static Backoff constant(Duration delay) {
        Eventually.positive("constant delay", delay, "PT0.1S");
        return new Backoff(delay, 1.0, null, 0.0, null, true, false);
    }

    /** {@code initial}, then each delay {@code factor} times the previous one. */
    public static Backoff exponential(Duration initial, double factor) {
        Eventually.positive("initial delay", initial, "PT0.1S");
        if (!(factor > 1.0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("backoff factor " + factor + " must be greater than 1 (use constant(...) for 1)");
        }
        return new Backoff(initial, factor, null, 0.0, null, true, false);
    }

    /**
     * No delay longer than {@code max}, jitter included (within the tolerance); see {@link #jitterAboveCap()} for a
     * client that randomizes after capping.
     */
    public Backoff cappedAt(Duration max) {
        Eventually.positive("backoff cap", max, "PT0.1S");
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff cap " + max + " is below the initial delay " + initial);
        }
        return new Backoff(initial, factor, max, jitter, resetAfter, resetOnOpen, jitterAboveCap);
    }

    /**
     * Each delay may be off by up to {@code fraction} of itself either way (0 to 1), as randomized backoffs are. Full
     * jitter, 1.0, accepts any delay from zero up to the upper bound: it checks upper bounds only, so pair it with
     * {@code hasNoStormFasterThan(floor)}.
     */
    public Backoff withJitter(double fraction) {
        if (!(fraction >= 0.0 && fraction <= 1.0)) {
            throw new IllegalArgumentException("jitter " + fraction + " is outside 0..1");
        }
        return new Backoff(initial, factor, cap, fraction, resetAfter, resetOnOpen, jitterAboveCap);
    }

    /** The schedule starts over only after a connection that lived at least {@code lifetime}. */
    public Backoff resetAfterLiving(Duration lifetime) {
        Eventually.positive("reset lifetime", lifetime, "PT0.1S");
        return new Backoff(initial, factor, cap, jitter, lifetime, false, jitterAboveCap);
    }

    /** The schedule never starts over. */
    public Backoff neverReset() {
        return new Backoff(initial, factor, cap, jitter, null, false, jitterAboveCap);
    }

    /**
     * The jitter is applied after the cap, so a delay may reach {@code cap * (1 + jitter)}: the convention of
     * Resilience4j's {@code IntervalFunction.ofExponentialRandomBackoff}. Without it the cap bounds the jittered
     * delay too, as {@link #cappedAt(Duration)} says. It changes nothing without a cap or without jitter.
     */
    public Backoff jitterAboveCap() {
        return new Backoff(initial, factor, cap, jitter, resetAfter, resetOnOpen, true);
    }

    /**
     * The delay expected before each attempt after the first, given what happened to the previous attempts.
     *
     * @param attempts the attempts in order
     * @return one expected delay per attempt after the first
     */
    List<Duration> expectedDelays(List<ConnectionRecord> attempts) {
        List<Duration> expected = new ArrayList<>();
        int n = 0;
        for (int i = 1; i < attempts.size(); i++) {
            if (resets(attempts.get(i - 1))) {
                n = 0;
            }
            expected.add(delay(n++));
        }
        return expected;
    }

    private boolean resets(ConnectionRecord previous) {
        if (resetOnOpen) {
            return previous.isUpgraded();
        }
        return resetAfter != null && previous.lifetime().map(life -> life.compareTo(resetAfter) >= 0).orElse(false);
    }

    /** The n-th delay since the last reset (0-based), before jitter. */
    Duration delay(int n) {
        double nanos = initial.toNanos() * Math.pow(factor, n);
        if (cap != null) {
            nanos = Math.min(nanos, cap.toNanos());
        }
        return Duration.ofNanos((long) Math.min(nanos, Long.MAX_VALUE));
    }

    /** Whether {@code actual} is an acceptable delay where {@code expected} was due. */
    boolean accepts(Duration expected, Duration actual, Tolerance tolerance) {
        return actual.compareTo(lowest(expected, tolerance)) >= 0 && actual.compareTo(highest(expected, tolerance)) <= 0;
    }

    Duration lowest(Duration expected, Tolerance tolerance) {
        Duration low = Duration.ofNanos(Math.round(expected.toNanos() * (1 - jitter))).minus(tolerance.around(expected));
        return low.isNegative() ? Duration.ZERO : low;
    }

    Duration highest(Duration expected, Tolerance tolerance) {
        double high = expected.toNanos() * (1 + jitter);
        if (cap != null && !jitterAboveCap) {
            high = Math.min(high, cap.toNanos());
        }
        return Duration.ofNanos(Math.round(high)).plus(tolerance.around(expected));
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(factor == 1.0
                ? "constant " + millis(initial)
                : String.format(Locale.ROOT, "exponential from %s x%s", millis(initial), factor));
        if (cap != null) {
            text.append(" capped at ").append(millis(cap));
            if (jitterAboveCap && jitter > 0) {
                text.append(" before jitter");
            }
        }
        if (jitter > 0) {
            text.append(String.format(Locale.ROOT, " with %.0f%% jitter", jitter * 100));
        }
        if (resetOnOpen) {
            text.append(", reset by every upgraded connection");
        } else {
            text.append(resetAfter == null ? ", never reset" : ", reset after a connection of " + millis(resetAfter));
        }
        return text.toString();
    }

    static String millis(Duration duration) {
        return duration.toMillis() + "ms";
    }
}
