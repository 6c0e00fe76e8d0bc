package io.github.wschaos.assertj;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Runs a check at once, or, with a bound, again and again until it passes or the bound runs out; then the last
 * failure is thrown as it is, so the message is the check's own and not a timeout's.
 */
final class Eventually {

    private static final Duration POLL = Duration.ofMillis(20);

    private Eventually() {
    }

    static void check(Duration within, Runnable assertion) {
        if (within == null) {
            assertion.run();
            return;
        }
        try {
            Awaitility.await().atMost(within).pollDelay(Duration.ZERO).pollInterval(POLL).untilAsserted(assertion::run);
        } catch (ConditionTimeoutException timeout) {
            AssertionError failure = timeout.getCause() instanceof AssertionError cause ? cause : lastCheck(assertion);
            if (failure == null) {
                return; // passed on the last look
            }
            throw new AssertionError("Within " + Backoff.millis(within) + ":" + System.lineSeparator()
                    + failure.getMessage(), failure);
        }
    }

    /**
     * Awaitility does not always attach the last failure: when the bound runs out while a check is still being
     * evaluated, the timeout has no cause and its message is Awaitility's. Checking once more gets the check's own.
     */
    private static AssertionError lastCheck(Runnable assertion) {
        try {
            assertion.run();
            return null;
        } catch (AssertionError failure) {
            return failure;
        }
    }

    /** A wait bound, quiet period or storm floor: positive, e.g. {@code PT5S}. */
    static void positive(String what, Duration value) {
        positive(what, value, "PT5S");
    }

    /** Throws, naming {@code what}, the value and {@code example}, unless {@code value} is a positive duration. */
    static void positive(String what, Duration value, String example) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " " + value + " must be positive, e.g. " + example);
        }
    }
}
