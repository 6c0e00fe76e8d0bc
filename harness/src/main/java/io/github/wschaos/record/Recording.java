package io.github.wschaos.record;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The log of every connection attempt a proxy has seen since it started or was last cleared.
 *
 * <p>Thread-safe: the proxy writes it from its I/O threads while tests read it. Every read returns
 * immutable snapshots, so a list obtained once does not change under the reader; read again to see
 * progress (or use the assertions, which wait for you).
 */
public interface Recording {

    /**
     * Every attempt so far, in attempt order, as immutable snapshots. Past the proxy's recording limit
     * ({@code ChaosProxy.Builder.recordingLimit}, 10,000 ended connections by default) the connections that ended
     * longest ago are left out; open connections are always in.
     */
    List<ConnectionRecord> connections();

    /** How many connection attempts were made so far. */
    int attempts();

    /**
     * Attempt {@code number} (1-based).
     *
     * @throws IllegalArgumentException if there is no such attempt, naming how many there are, or if it ended
     *     so long ago that the recording limit dropped it
     */
    ConnectionRecord attempt(int number);

    /** The latest attempt, if any. */
    Optional<ConnectionRecord> last();

    /** Time since the recording started: the proxy's start or the last {@link #clear()}. */
    Duration elapsed();

    /**
     * Forgets every attempt and restarts the clock and the attempt numbers. Connections still open stay
     * open but are no longer recorded.
     */
    void clear();

    /**
     * Calls {@code listener} for every future connection event until the returned handle is closed.
     */
    Subscription subscribe(RecordingListener listener);

    /** The attempts so far as a table: attempt, time since start, outcome, delay since the previous one. */
    default String timeline() {
        return Timeline.render(connections());
    }

    /** A listener's registration; closing it stops the calls. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
