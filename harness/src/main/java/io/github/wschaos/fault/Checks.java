package io.github.wschaos.fault;

import java.time.Duration;

/** Argument checks with messages that name the value and what is accepted. */
final class Checks {

    private Checks() {
    }

    static void positive(String what, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " " + value + " must be positive, e.g. PT2S (2 seconds)");
        }
    }

    static void notNegative(String what, Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(what + " " + value + " must be zero or positive, e.g. PT0.5S");
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

    static void status(int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status " + status + " is outside 100-599");
        }
    }

    static void closeCode(int code) {
        boolean sendable = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
        if (!sendable) {
            throw new IllegalArgumentException("close code " + code + " cannot be sent in a close frame; accepted are "
                    + "1000-1003, 1007-1014 and 3000-4999 (1004, 1005, 1006 and 1015 are reserved)");
        }
    }
}
