package io.github.wschaos.assertj;

import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.record.Recording;
import io.github.wschaos.record.Timeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.assertj.core.api.AbstractAssert;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Assertions on how a client reconnected, read from the attempts the proxy recorded. A delay is measured from
 * the end of one attempt ({@link io.github.wschaos.record.ConnectionRecord#endedAt()}: a refused handshake's answer,
 * otherwise the first close frame written to the client's socket or sent by it, or its TCP close) to the start of
 * the next.
 *
 * <pre>{@code
 * assertThat(proxy).within(ofSeconds(10)).reconnects()
 *         .hasAtLeastAttempts(6)
 *         .followBackoff(Backoff.exponential(ofMillis(100), 2.0).cappedAt(ofMillis(800)));
 * assertThat(proxy).reconnects().gaveUpAfter(5, ofSeconds(1));
 * assertThat(proxy).reconnects().hasNoStormFasterThan(ofMillis(50));
 * }</pre>
 */
public final class ReconnectAssert extends AbstractAssert<ReconnectAssert, Recording> {

    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

    private final Duration within;
    private final Tolerance tolerance;
    private final Predicate<ConnectionRecord> counted;

    ReconnectAssert(Recording recording, Duration within) {
        this(recording, within, Tolerance.DEFAULT, null);
    }

    private ReconnectAssert(Recording recording, Duration within, Tolerance tolerance, Predicate<ConnectionRecord> counted) {
        super(recording, ReconnectAssert.class);
        this.within = within;
        this.tolerance = tolerance;
        this.counted = counted;
    }

    /** Delays may differ from the expected ones by {@code tolerance}; {@link Tolerance#DEFAULT} otherwise. */
    public ReconnectAssert withTolerance(Tolerance tolerance) {
        return Described.carry(this,
                new ReconnectAssert(actual, within, Objects.requireNonNull(tolerance, "tolerance"), counted));
    }

    /**
     * Counts only the connections that match {@code connections} as attempts; the others are left out of every
     * assertion that follows, of its delays and of its timeline. For a client that makes more than one connection per
     * attempt, e.g. socket.io with its default transports, whose attempts each start with a long-polling handshake (a
     * request without {@code sid=}) and upgrade later:
     *
     * <pre>{@code
     * assertThat(proxy).reconnects().only(record -> !record.target().contains("sid=")).gaveUpAfter(4, ofSeconds(2));
     * assertThat(proxy).reconnects().only(ConnectionRecord::isWebSocketRequest).hasNoStormFasterThan(ofMillis(100));
     * }</pre>
     *
     * A second call narrows further (both must match). A backoff's reset rule sees only the counted connections too:
     * socket.io's polling handshake never upgrades, so {@code followBackoff} over handshakes suits a run that never
     * connects (a rejected or refused client), or {@link Backoff#neverReset()}.
     */
    public ReconnectAssert only(Predicate<ConnectionRecord> connections) {
        Objects.requireNonNull(connections, "connections");
        return Described.carry(this,
                new ReconnectAssert(actual, within, tolerance, counted == null ? connections : counted.and(connections)));
    }

    /** The connections counted as attempts, in order: all of them unless narrowed by {@link #only}. */
    private List<ConnectionRecord> records() {
        List<ConnectionRecord> all = actual.connections();
        return counted == null ? all : all.stream().filter(counted).toList();
    }

    /** At least {@code count} attempts were made (waiting for them after {@code within}). */
    public ReconnectAssert hasAtLeastAttempts(int count) {
        return verify(() -> {
            ChaosProxyAssert.notNegative("attempt count", count);
            Eventually.check(within, () -> {
                List<ConnectionRecord> records = records();
                if (records.size() < count) {
                    fail(records, "to have at least %s but had %s", ChaosErrorMessages.attempts(count), records.size());
                }
            });
        });
    }

    /**
     * The delays between the attempts so far, in order: one fewer than the attempts. A delay is never negative: where
     * an attempt started before the previous one had ended ({@code overlap} in the timeline), the client's own delay
     * cannot be seen and it counts as zero here.
     */
    public List<Duration> delays() {
        return delaysOf(records());
    }

    /**
     * Every delay so far matches {@code backoff} within the tolerance; needs at least two attempts, and waits for them
     * after {@code within}. A delay between overlapping attempts (the next one started before the previous one had
     * ended) is not checked, since the client's own delay cannot be seen, but it still counts in the schedule; at
     * least one delay must be measured. A delay once made does not change, so the check of the delays is made once, at once: put
     * {@link #hasAtLeastAttempts} first to wait for more.
     */
    public ReconnectAssert followBackoff(Backoff backoff) {
        return verify(() -> {
            Objects.requireNonNull(backoff, "backoff");
            Eventually.check(within, () -> {
                List<ConnectionRecord> records = records();
                if (records.size() < 2) {
                    fail(records, "to reconnect with %s%nbut there %s: a backoff needs at least 2", backoff,
                            records.isEmpty() ? "was no attempt" : "was only 1 attempt");
                }
            });
            List<ConnectionRecord> records = records();
            List<Duration> expected = backoff.expectedDelays(records);
            int measured = 0;
            List<String> outside = new ArrayList<>();
            for (int i = 1; i < records.size(); i++) {
                Optional<Duration> delay = records.get(i).delaySince(records.get(i - 1));
                if (delay.isEmpty()) {
                    continue; // overlapping attempts: the client's own delay is not visible
                }
                measured++;
                if (!backoff.accepts(expected.get(i - 1), delay.get(), tolerance)) {
                    String which = outside.isEmpty() ? "the delay before attempt #" + records.get(i).attempt() + " was "
                            : "before attempt #" + records.get(i).attempt() + " ";
                    outside.add(which + Timeline.seconds(delay.get()) + ", outside "
                            + Timeline.seconds(backoff.lowest(expected.get(i - 1), tolerance)) + ".."
                            + Timeline.seconds(backoff.highest(expected.get(i - 1), tolerance)));
                }
            }
            if (!outside.isEmpty()) {
                // Every delay out of range, not the first alone: a cap or a reset shows in which ones miss.
                fail(records, "to reconnect with %s (tolerance %s)%nbut %s", backoff, tolerance, String.join("; ", outside));
            }
            if (measured == 0) {
                fail(records, "to reconnect with %s%nbut no delay could be measured: every attempt started before the"
                        + " previous one had ended (overlap)", backoff);
            }
        });
    }

    /**
     * No delay between attempts so far was shorter than {@code floor}: no reconnect storm. Where an attempt started
     * before the previous one had ended, the time between their starts is checked instead (the client's own delay
     * was no longer than that). It reads the delays at once and does not wait, also after {@code within} (no attempt
     * is no storm): put {@link #hasAtLeastAttempts} first.
     */
    public ReconnectAssert hasNoStormFasterThan(Duration floor) {
        return verify(() -> {
            Eventually.positive("storm floor", floor);
            List<ConnectionRecord> records = records();
            for (int i = 1; i < records.size(); i++) {
                ConnectionRecord previous = records.get(i - 1);
                ConnectionRecord next = records.get(i);
                Optional<Duration> delay = next.delaySince(previous);
                Duration measured = delay.orElseGet(() -> next.acceptedAt().minus(previous.acceptedAt()));
                if (measured.compareTo(floor) < 0) {
                    fail(records, "to wait at least %s between attempts%nbut attempt #%s came %s", Timeline.seconds(floor),
                            next.attempt(), delay.isPresent() ? Timeline.seconds(measured) + " after the previous one ended"
                                    : Timeline.seconds(measured) + " after the previous one started, which was still open");
                }
            }
        });
    }

    /**
     * The client made exactly {@code attempts} attempts and then stopped: every one of them has ended (a handshake
     * answered with anything but {@code 101}, or a connection closed; see {@link ConnectionRecord#hasEnded()}) and
     * none came during {@code quietPeriod} after the last one ended. An attempt still open is not given up: neither a
     * handshake still pending (the client may yet time out and retry) nor a healthy upgraded connection (a client
     * that stays connected has nothing to give up; assert that with {@code hasUpgradedConnections} or
     * {@code attempt(n).isUpgraded()}). Waits for the attempts and for their ends (up to {@code within}, 10 s by
     * default), then for the quiet period, which runs from the last end.
     */
    public ReconnectAssert gaveUpAfter(int attempts, Duration quietPeriod) {
        return verify(() -> {
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts " + attempts + " must be 1 or more");
            }
            Eventually.positive("quiet period", quietPeriod);
            awaitAttempts(attempts);
            String expectation = "to give up after %s";
            String counted = ChaosErrorMessages.attempts(attempts);
            try {
                Awaitility.await().atMost(bound()).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                        .until(() -> records().size() > attempts
                                || records().stream().allMatch(ConnectionRecord::hasEnded));
            } catch (ConditionTimeoutException e) {
                // reported below with the timeline
            }
            List<ConnectionRecord> records = records();
            tooMany(records, attempts, quietPeriod, expectation, counted);
            for (ConnectionRecord record : records) {
                if (!record.hasEnded()) {
                    fail(records, expectation + "%nbut attempt #%s is still open (%s) after %s: an attempt still open is"
                            + " not given up", counted, record.attempt(), record.isUpgraded() ? "upgraded" : "no answer yet",
                            Backoff.millis(bound()));
                }
            }
            staysQuiet(attempts, quietPeriod, expectation, counted);
        });
    }

    /**
     * After a connection closed normally (a close frame with 1000, from either side), the client did not reconnect:
     * no attempt during {@code quietPeriod}. Waits for such a close first (up to {@code within}, 10 s by default);
     * fails at once if an attempt already followed one.
     */
    public ReconnectAssert doesNotReconnectAfterNormalClose(Duration quietPeriod) {
        return verify(() -> {
            Eventually.positive("quiet period", quietPeriod);
            Eventually.check(bound(), () -> {
                List<ConnectionRecord> records = records();
                if (firstNormalClose(records) < 0) {
                    fail(records, "to have a connection closed normally (1000)%nbut none was");
                }
            });
            List<ConnectionRecord> records = records();
            int closed = firstNormalClose(records);
            if (closed < records.size() - 1) {
                ConnectionRecord next = records.get(closed + 1);
                fail(records, "not to reconnect after the normal close of attempt #%s%nbut attempt #%s came %s",
                        records.get(closed).attempt(), next.attempt(), cameAfter(next, records.get(closed)));
            }
            staysQuiet(closed + 1, quietPeriod, "not to reconnect after the normal close of attempt #%s", closed + 1);
        });
    }

    /** The index of the first attempt that closed normally, or -1. */
    private static int firstNormalClose(List<ConnectionRecord> records) {
        for (int i = 0; i < records.size(); i++) {
            if (closedNormally(records.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The client reconnected and traffic flows again: after a connection broke off (an upgraded connection that ended,
     * or an attempt that failed: refused, rejected, timed out, aborted, a TLS failure, or a plain HTTP request answered
     * with 400 or above, or a handshake left unanswered when a later attempt came, which the client gave up on without
     * closing it), a connection that started later upgraded and carried at least one message each way. It need
     * not be the latest: long-polling requests may come after it. The connection that broke off must be in the
     * recording (a {@code clear()} after it forgets it); plain HTTP requests that were answered, such as long-polling,
     * do not count as breaking off. Any message counts: a server that answers the first message with an error and
     * closes (a STOMP broker's {@code ERROR} frame, then a close) carried one each way; {@code attempt(n).isOpen()}
     * tells such a connection from one that stayed. Waits for it after {@code within}.
     */
    public ReconnectAssert resumedTraffic() {
        return verify(() -> {
            Eventually.check(within, () -> {
                List<ConnectionRecord> records = records();
                ConnectionRecord brokeOff = null;
                for (int i = 0; i < records.size(); i++) {
                    ConnectionRecord record = records.get(i);
                    if (record.isUpgraded() && record.clientToUpstream().messages() > 0
                            && record.upstreamToClient().messages() > 0) {
                        for (int j = 0; j < i; j++) {
                            ConnectionRecord before = records.get(j);
                            if ((brokeOff(before) && before.endedAt().compareTo(record.acceptedAt()) <= 0)
                                    || abandoned(before)) {
                                return;
                            }
                        }
                    }
                    if (brokeOff == null && (brokeOff(record) || (abandoned(record) && i + 1 < records.size()))) {
                        brokeOff = record;
                    }
                }
                fail(records, "to have reconnected with messages flowing both ways on a connection upgraded after one broke"
                        + " off%nbut %s", records.isEmpty() ? "there was no attempt"
                                : records.size() == 1 ? "there was only one attempt"
                                : brokeOff == null ? "no connection broke off"
                                : !upgradedAfter(records, brokeOff) ? "no connection was upgraded after attempt #"
                                        + brokeOff.attempt() + " ended"
                                : "no connection upgraded after attempt #" + brokeOff.attempt() + " ended carried messages both"
                                        + " ways");
            });
        });
    }

    /** Whether a connection accepted after {@code brokeOff} ended was upgraded. */
    private static boolean upgradedAfter(List<ConnectionRecord> records, ConnectionRecord brokeOff) {
        return records.stream().anyMatch(record -> record.isUpgraded()
                && brokeOff.endedAt().compareTo(record.acceptedAt()) <= 0);
    }

    /**
     * A handshake still unanswered (or a connection that never sent one) when a later attempt came: the client gave up
     * on it without closing it, as socket.io-client does after its connect timeout behind a firewall that drops
     * packets. Not a plain HTTP request waiting for its answer: a long poll is meant to wait.
     */
    private static boolean abandoned(ConnectionRecord record) {
        return record.outcome() == Outcome.PENDING && (record.method().isEmpty() || record.isWebSocketRequest());
    }

    /** An upgraded connection that ended, or an attempt that failed; not an answered plain HTTP request. */
    private static boolean brokeOff(ConnectionRecord record) {
        if (!record.hasEnded() && !record.isClosed()) {
            return false;
        }
        return switch (record.outcome()) {
            case PENDING -> false;
            case NOT_WEBSOCKET -> record.status() >= 400;
            case ABORTED_BY_CLIENT -> record.method().isEmpty() || record.isWebSocketRequest();
            default -> true;
        };
    }

    private void awaitAttempts(int attempts) {
        Eventually.check(bound(), () -> {
            List<ConnectionRecord> records = records();
            if (records.size() < attempts) {
                fail(records, "to make %s but made %s", ChaosErrorMessages.attempts(attempts), records.size());
            }
        });
    }

    /**
     * Waits until {@code quietPeriod} has passed since the latest end among the first {@code attempts} attempts, or
     * until another attempt comes, and fails if one did.
     */
    private void staysQuiet(int attempts, Duration quietPeriod, String expectation, Object argument) {
        Duration lastEnd = records().stream().limit(attempts).map(ConnectionRecord::endedAt)
                .max(Duration::compareTo).orElse(Duration.ZERO);
        Duration quietUntil = lastEnd.plus(quietPeriod);
        try {
            Awaitility.await().atMost(quietPeriod.plusSeconds(2)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                    .until(() -> records().size() > attempts || actual.elapsed().compareTo(quietUntil) >= 0);
        } catch (ConditionTimeoutException e) {
            // reported below with the timeline
        }
        tooMany(records(), attempts, quietPeriod, expectation, argument);
    }

    private void tooMany(List<ConnectionRecord> records, int attempts, Duration quietPeriod, String expectation,
            Object argument) {
        if (records.size() > attempts) {
            ConnectionRecord next = records.get(attempts);
            fail(records, expectation + "%nbut attempt #%s came %s, within the quiet period of %s (%s attempts in all)",
                    argument, next.attempt(), cameAfter(next, records.get(attempts - 1)), Timeline.seconds(quietPeriod),
                    records.size());
        }
    }

    private Duration bound() {
        return within == null ? DEFAULT_WAIT : within;
    }

    private static boolean closedNormally(ConnectionRecord record) {
        return record.close().map(close -> close.closeFrame() && close.code().orElse(-1) == 1000).orElse(false);
    }

    static List<Duration> delaysOf(List<ConnectionRecord> records) {
        List<Duration> delays = new ArrayList<>();
        for (int i = 1; i < records.size(); i++) {
            delays.add(records.get(i).delaySince(records.get(i - 1)).orElse(Duration.ZERO));
        }
        return delays;
    }

    /** "0.300s after attempt #2 ended", or "while attempt #2 was still open" for overlapping attempts. */
    private static String cameAfter(ConnectionRecord next, ConnectionRecord previous) {
        return next.delaySince(previous)
                .map(delay -> Timeline.seconds(delay) + " after attempt #" + previous.attempt() + " ended")
                .orElse("while attempt #" + previous.attempt() + " was still open");
    }

    /** Runs {@code check}; its failure gets the description or the message the user set. */
    private ReconnectAssert verify(Runnable check) {
        try {
            check.run();
        } catch (AssertionError failure) {
            throw failure("%s", failure.getMessage());
        }
        return myself;
    }

    private void fail(List<ConnectionRecord> records, String expectation, Object... arguments) {
        throw new AssertionError(ChaosErrorMessages.expecting("reconnects",
                records.size() + (records.size() == 1 ? " attempt" : " attempts") + (counted == null ? ""
                        : " (counted by only(...): " + records.size() + " of " + actual.connections().size()
                                + " connections)"),
                String.format(expectation, arguments), records));
    }
}
