package io.github.wschaos.assertj;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.record.CloseInfo;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Recording;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on everything a proxy recorded: how many attempts, how each ended, how they closed. Each check reads
 * the recording at once; after {@link #within(Duration)} it waits, up to that bound, until the check passes.
 *
 * <pre>{@code
 * assertThat(proxy).within(Duration.ofSeconds(5)).hasAtLeastAttempts(3);
 * assertThat(proxy).attempt(1).isUpgraded();
 * assertThat(proxy).reconnects().followBackoff(Backoff.exponential(ofMillis(100), 2).cappedAt(ofMillis(800)));
 * }</pre>
 */
public final class ChaosProxyAssert extends AbstractAssert<ChaosProxyAssert, ChaosProxy> {

    private final Duration within;

    ChaosProxyAssert(ChaosProxy actual, Duration within) {
        super(actual, ChaosProxyAssert.class);
        this.within = within;
    }

    /** From here on each check waits up to {@code bound} for the recording to satisfy it. */
    public ChaosProxyAssert within(Duration bound) {
        Eventually.positive("wait bound", bound);
        return Described.carry(this, new ChaosProxyAssert(actual, bound));
    }

    /** Exactly {@code count} connection attempts were made. */
    public ChaosProxyAssert hasAttempts(int count) {
        notNegative("attempt count", count);
        return check(records -> {
            if (records.size() != count) {
                fail(records, "to have exactly %s but had %s", ChaosErrorMessages.attempts(count), records.size());
            }
        });
    }

    /** At least {@code count} connection attempts were made. */
    public ChaosProxyAssert hasAtLeastAttempts(int count) {
        notNegative("attempt count", count);
        return check(records -> {
            if (records.size() < count) {
                fail(records, "to have at least %s but had %s", ChaosErrorMessages.attempts(count), records.size());
            }
        });
    }

    /** Exactly {@code count} attempts upgraded. */
    public ChaosProxyAssert hasUpgradedConnections(int count) {
        notNegative("upgraded connection count", count);
        return check(records -> {
            long upgraded = records.stream().filter(ConnectionRecord::isUpgraded).count();
            if (upgraded != count) {
                fail(records, "to have %s upgraded connections but had %s", count, upgraded);
            }
        });
    }

    /** Some connection closed with a close frame carrying {@code code}. */
    public ChaosProxyAssert hasConnectionClosedWithCode(int code) {
        return check(records -> {
            boolean found = records.stream().flatMap(record -> record.close().stream())
                    .anyMatch(close -> close.closeFrame() && close.code().orElse(-1) == code);
            if (!found) {
                fail(records, "to have a connection closed with code %s but the closes were %s", code,
                        records.stream().map(record -> record.close().map(CloseInfo::toString).orElse("open")).toList());
            }
        });
    }

    /** Assertions on attempt {@code number} (1-based); after {@link #within}, it waits for the attempt to exist. */
    public ConnectionAssert attempt(int number) {
        if (number < 1) {
            throw new IllegalArgumentException("attempt number " + number + " must be 1 or more");
        }
        hasAtLeastAttempts(number);
        return Described.carry(this, new ConnectionAssert(() -> recording().attempt(number),
                () -> recording().connections(), within));
    }

    /** Assertions on the sequence of attempts: delays, backoff, giving up, storms, resumed traffic. */
    public ReconnectAssert reconnects() {
        isNotNull();
        return Described.carry(this, new ReconnectAssert(recording(), within));
    }

    private Recording recording() {
        return actual.recording();
    }

    private ChaosProxyAssert check(java.util.function.Consumer<List<ConnectionRecord>> assertion) {
        isNotNull();
        try {
            Eventually.check(within, () -> assertion.accept(recording().connections()));
        } catch (AssertionError failure) {
            throw failure("%s", failure.getMessage()); // with the description or the message the user set
        }
        return myself;
    }

    private void fail(List<ConnectionRecord> records, String expectation, Object... arguments) {
        throw new AssertionError(ChaosErrorMessages.expecting("proxy", actual.toString(),
                String.format(expectation, arguments), records));
    }

    static void notNegative(String what, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " " + value + " must be zero or more");
        }
    }
}
