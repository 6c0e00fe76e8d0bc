package io.github.wschaos.fault;

import io.github.wschaos.Durations;
import java.time.Duration;

/** Argument checks with messages that name the value and what is accepted. */
final class Checks {

    private Checks() {
    }

    /** The longest duration the proxy can time: Long.MAX_VALUE nanoseconds, about 292 years. */
    private static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE);

    static void positive(String what, Duration value) {
        present(what, value, "a positive duration, e.g. 2s");
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " " + Durations.format(value) + " must be positive, e.g. 2s");
        }
        notTooLong(what, value);
    }

    static void notNegative(String what, Duration value) {
        present(what, value, "zero or a positive duration, e.g. 500ms");
        if (value.isNegative()) {
            throw new IllegalArgumentException(what + " " + Durations.format(value) + " must be zero or positive, e.g. 500ms");
        }
        notTooLong(what, value);
    }

    private static void present(String what, Duration value, String accepted) {
        if (value == null) {
            throw new IllegalArgumentException(what + " is null; accepted is " + accepted);
        }
    }

    private static void notTooLong(String what, Duration value) {
        if (value.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException(what + " " + Durations.format(value) + " is too long; accepted are up to "
                    + Durations.format(Duration.ofDays(LONGEST.toDays())) + " (about 292 years)");
        }
    }

    static void atLeast(String what, long value, long min, String example) {
        if (value < min) {
            throw new IllegalArgumentException(what + " " + value + " must be at least " + min + ", e.g. " + example);
        }
    }

    static void direction(Direction direction) {
        if (direction == null) {
            throw new IllegalArgumentException("direction null must be one of UPSTREAM, DOWNSTREAM or BOTH");
        }
    }

    static void closeCode(int code) {
        boolean sendable = (code >= 1000 && code <= 1003) || code == CloseWithCode.NO_STATUS_CODE
                || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
        if (!sendable) {
            throw new IllegalArgumentException("close code " + code + " cannot be sent in a close frame; accepted are "
                    + "1000-1003, 1005 (a close frame without a code), 1007-1014 and 3000-4999 (1004, 1006 and 1015 are reserved)");
        }
    }
}
