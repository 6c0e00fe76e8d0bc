package io.github.wschaos.assertj;

import io.github.wschaos.fault.Faults;
import io.github.wschaos.record.CloseInfo;
import io.github.wschaos.record.Closer;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.record.Timeline;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on one connection attempt: its outcome, its status, how it closed, what flowed, which faults hit it.
 * Obtained from {@code assertThat(proxy).attempt(n)}; with {@code assertThat(proxy).within(...)} each check waits
 * until the attempt gets there (for example until it has closed).
 */
public final class ConnectionAssert extends AbstractAssert<ConnectionAssert, ConnectionRecord> {

    private final Supplier<ConnectionRecord> latest;
    private final Supplier<List<ConnectionRecord>> timeline;
    private final Duration within;

    /**
     * @param timeline the attempts a failure message shows: the proxy's all (so the failing attempt's delay since the
     *     one before is there), or the snapshot alone
     */
    ConnectionAssert(Supplier<ConnectionRecord> latest, Supplier<List<ConnectionRecord>> timeline, Duration within) {
        super(latest.get(), ConnectionAssert.class);
        this.latest = latest;
        this.timeline = timeline;
        this.within = within;
    }

    /** An assertion on a fixed snapshot; its failure messages show this attempt alone. */
    public static ConnectionAssert assertThat(ConnectionRecord record) {
        return new ConnectionAssert(() -> record, () -> List.of(record), null);
    }

    /** The handshake succeeded: the upstream's {@code 101} reached the client. */
    public ConnectionAssert isUpgraded() {
        return hasOutcome(Outcome.UPGRADED);
    }

    /** The attempt ended up as {@code outcome}. */
    public ConnectionAssert hasOutcome(Outcome outcome) {
        return check(record -> {
            if (record.outcome() != outcome) {
                fail(record, "to have outcome %s but it was %s", outcome, describe(record));
            }
        });
    }

    /**
     * The attempt was turned away with {@code status}: a WebSocket handshake answered with it instead of {@code 101}
     * ({@link Outcome#REJECTED}), or a plain HTTP request answered with it when it is 400 or above
     * ({@link Outcome#NOT_WEBSOCKET}: the long-polling handshake that starts a socket.io or SockJS attempt).
     */
    public ConnectionAssert wasRejectedWith(int status) {
        return check(record -> {
            boolean rejected = record.outcome() == Outcome.REJECTED
                    || (record.outcome() == Outcome.NOT_WEBSOCKET && record.status() >= 400);
            if (!rejected || record.status() != status) {
                fail(record, "to be rejected with %s but it was %s", status, describe(record));
            }
        });
    }

    /** The first close frame carried {@code code}. */
    public ConnectionAssert closedWithCode(int code) {
        return check(record -> {
            CloseInfo close = closed(record);
            if (!close.closeFrame() || close.code().orElse(-1) != code) {
                fail(record, "to close with code %s but it closed with: %s", code, close);
            }
        });
    }

    /** TCP closed with no close frame, so the client reports 1006. */
    public ConnectionAssert closedWithoutCloseFrame() {
        return check(record -> {
            CloseInfo close = closed(record);
            if (close.closeFrame()) {
                fail(record, "to close without a close frame (1006) but it closed with: %s", close);
            }
        });
    }

    /** {@code closer} ended the connection (sent the first close frame, or closed TCP first without one). */
    public ConnectionAssert wasClosedBy(Closer closer) {
        return check(record -> {
            CloseInfo close = closed(record);
            if (close.closer() != closer) {
                fail(record, "to be closed by %s but it was: %s", closer, close);
            }
        });
    }

    /**
     * A fault with this name ({@code drop-idle}, {@code refuse}, ...; see {@link Faults#names()}) touched the
     * connection: it was applied to it. A fault that watches an upgraded connection ({@code drop-idle},
     * {@code swallow-pings}, {@code close-with-code}, a toxic) touches it when it upgrades, whether or not it acts
     * later: that heartbeats kept an idle timeout from cutting shows as {@link #isOpen()}, that it cut as
     * {@link #wasEndedBy(String)}. A name no fault has is refused at once, so that a misspelt name does not read as a
     * fault that did not act.
     */
    public ConnectionAssert wasHitBy(String faultName) {
        checkFaultName(faultName);
        return check(record -> {
            if (!record.faults().contains(faultName)) {
                fail(record, "to be hit by %s but the faults that touched it were %s", faultName, record.faults());
            }
        });
    }

    /**
     * A fault with this name ended the connection: the proxy closed or reset it, or sent the close frames, for that
     * fault ({@code drop-idle} cutting an idle connection, {@code close-with-code}, {@code reset}, {@code refuse}, the
     * {@code timeout}, {@code reset-peer} and {@code limit-data} toxics). Fails for a connection that is still open, that
     * another side ended, or that the proxy ended for another reason. A fault that answers the request instead
     * ({@code respond-with-status}, {@code reject-origins}, {@code drop-idle}'s {@code 504} to a request left unanswered)
     * rejects it: {@link #wasRejectedWith(int)} with {@link #wasHitBy(String)}. A name no fault has is refused at once.
     */
    public ConnectionAssert wasEndedBy(String faultName) {
        checkFaultName(faultName);
        return check(record -> {
            CloseInfo close = closed(record);
            if (close.closer() != Closer.PROXY || !close.cause().equals(faultName)) {
                fail(record, "to be ended by %s but it was: %s", faultName, close);
            }
        });
    }

    private static void checkFaultName(String faultName) {
        if (!Faults.names().contains(faultName)) {
            String written = faultName == null ? "" : faultName.replace('_', '-');
            throw new IllegalArgumentException("fault name " + (faultName == null ? null : "'" + faultName + "'")
                    + " is no fault's name" + (Faults.names().contains(written) ? " (Toxiproxy's " + faultName
                            + " is written " + written + " here)" : "") + "; accepted: " + String.join(", ", Faults.names()));
        }
    }

    /**
     * The connection upgraded and is still open: neither side has sent a close frame or closed TCP. For a connection an
     * idle timeout must not cut (heartbeats within it), or to tell traffic that resumed and stayed from a server that
     * answered once and closed (a STOMP broker's ERROR frame, then a close, still carries a message each way).
     */
    public ConnectionAssert isOpen() {
        return check(record -> {
            if (!record.isUpgraded()) {
                fail(record, "to be open but it was %s", describe(record));
            }
            if (record.closingAt().isPresent()) {
                fail(record, "to be open but it %s", record.close().map(close -> "closed with: " + close)
                        .orElse("is closing since " + Timeline.seconds(record.closingAt().get())
                                + " (a close frame went through, or TCP closed, on the client's side)"));
            }
        });
    }

    /** At least {@code count} messages went each way after the upgrade. */
    public ConnectionAssert hasMessagesBothWays(long count) {
        return check(record -> {
            if (record.clientToUpstream().messages() < count || record.upstreamToClient().messages() < count) {
                fail(record, "to carry at least %s messages each way but it carried %s up and %s down", count,
                        record.clientToUpstream().messages(), record.upstreamToClient().messages());
            }
        });
    }

    private CloseInfo closed(ConnectionRecord record) {
        if (record.close().isEmpty()) {
            fail(record, "to be closed but it is still open", "");
        }
        return record.close().get();
    }

    private ConnectionAssert check(java.util.function.Consumer<ConnectionRecord> assertion) {
        isNotNull();
        try {
            Eventually.check(within, () -> assertion.accept(latest.get()));
        } catch (AssertionError failure) {
            throw failure("%s", failure.getMessage()); // with the description or the message the user set
        }
        return myself;
    }

    private void fail(ConnectionRecord record, String expectation, Object... arguments) {
        throw new AssertionError(ChaosErrorMessages.expecting("attempt #" + record.attempt(), record.toString(),
                String.format(expectation, arguments), timeline.get()));
    }

    private static String describe(ConnectionRecord record) {
        return record.outcome() + (record.status() == 0 ? "" : " " + record.status())
                + (record.failure().isEmpty() ? "" : " (" + record.failure() + ")");
    }
}
