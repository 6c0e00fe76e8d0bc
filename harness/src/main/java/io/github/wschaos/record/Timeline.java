package io.github.wschaos.record;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Renders attempts as a small fixed-width table, the form every failing assertion prints.
 *
 * <pre>
 * attempt  since start  outcome           delay     closed
 *       1       0.004s  UPGRADED 101          -     no close frame, TCP closed by proxy (drop-idle)
 *       2       0.215s  REJECTED 503      0.201s    no close frame, TCP closed by upstream
 *       3       0.420s  REJECTED 502      0.003s    no close frame, TCP closed by proxy (answered 502)
 *                 why:  upstream ws://127.0.0.1:8080/chat unreachable: Connection refused: /127.0.0.1:8080
 * </pre>
 *
 * An attempt that failed ({@link ConnectionRecord#failure()}) has the reason on a line below its row, unless it is
 * the same as the attempt before it: a storm of attempts against a stopped upstream names it once.
 *
 * The delay is measured from the end of the previous attempt ({@link ConnectionRecord#endedAt()}) to the start of
 * this one; {@code overlap} when this one started before the previous one had ended
 * ({@link ConnectionRecord#delaySince(ConnectionRecord)}).
 */
public final class Timeline {

    private Timeline() {
    }

    /** The table for {@code records}, or a line saying there were none. */
    public static String render(List<ConnectionRecord> records) {
        if (records.isEmpty()) {
            return "(no connection attempts)";
        }
        StringBuilder table = new StringBuilder(
                String.format(Locale.ROOT, "%7s  %11s  %-16s  %9s  %s", "attempt", "since start", "outcome", "delay", "closed"));
        ConnectionRecord previous = null;
        for (ConnectionRecord record : records) {
            String outcome = record.outcome() + (record.status() == 0 ? "" : " " + record.status());
            String delay = previous == null ? "-" : record.delaySince(previous).map(Timeline::seconds).orElse("overlap");
            String closed = record.close().map(CloseInfo::toString).orElseGet(() -> record.closingAt()
                    .map(closing -> "closing since " + seconds(closing)).orElse("open"));
            table.append(System.lineSeparator()).append(String.format(Locale.ROOT, "%7d  %11s  %-16s  %9s  %s",
                    record.attempt(), seconds(record.acceptedAt()), outcome, delay, closed));
            if (!record.failure().isEmpty() && (previous == null || !previous.failure().equals(record.failure()))) {
                table.append(System.lineSeparator()).append(String.format(Locale.ROOT, "%7s  %11s  %s", "", "why:",
                        record.failure()));
            }
            previous = record;
        }
        return table.toString();
    }

    /** A duration as seconds with millisecond precision, e.g. {@code 1.250s}. */
    public static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.3fs", duration.toNanos() / 1e9);
    }
}
