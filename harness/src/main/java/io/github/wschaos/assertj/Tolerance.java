package io.github.wschaos.assertj;

import java.time.Duration;
import java.util.Locale;

/**
 * How far a measured delay may stray from the expected one: the larger of an absolute margin and a fraction of
 * the expected delay. Timers, schedulers and a busy CI machine all add a little; the default,
 * {@link #DEFAULT} (50 ms or 20 %), absorbs that without hiding a wrong backoff.
 *
 * @param absolute the margin in time, zero or more
 * @param relative the margin as a fraction of the expected delay, 0 to 1
 */
public record Tolerance(Duration absolute, double relative) {

    /** 50 ms or 20 % of the expected delay, whichever is larger. */
    public static final Tolerance DEFAULT = new Tolerance(Duration.ofMillis(50), 0.2);

    public Tolerance {
        if (absolute == null || absolute.isNegative()) {
            throw new IllegalArgumentException("tolerance " + absolute + " must be zero or positive, e.g. PT0.05S");
        }
        if (!(relative >= 0.0 && relative <= 1.0)) {
            throw new IllegalArgumentException("relative tolerance " + relative + " is outside 0..1");
        }
    }

    /** A fixed margin, e.g. {@code Tolerance.of(Duration.ofMillis(100))}. */
    public static Tolerance of(Duration absolute) {
        return new Tolerance(absolute, 0.0);
    }

    /** A margin that grows with the expected delay: {@code fraction} of it, e.g. 0.25. */
    public static Tolerance relative(double fraction) {
        return new Tolerance(Duration.ZERO, fraction);
    }

    /** The margin around {@code expected}. */
    public Duration around(Duration expected) {
        Duration proportional = Duration.ofNanos(Math.round(expected.toNanos() * relative));
        return proportional.compareTo(absolute) > 0 ? proportional : absolute;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "±max(%dms, %.0f%%)", absolute.toMillis(), relative * 100);
    }
}
