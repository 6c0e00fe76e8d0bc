package io.github.wschaos.internal;

import io.github.wschaos.record.ConnectionEvent;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Recording;
import io.github.wschaos.record.RecordingListener;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's {@link Recording}: a generation of connections that {@link #clear()} replaces at once. It keeps every
 * open connection and the {@code limit} most recent that ended, so that a proxy in front of a long load test holds
 * a bounded amount of memory; attempt numbers go on counting every connection.
 */
public final class ConnectionLog implements Recording {

    /** How many ended connections a recording keeps unless told otherwise. */
    public static final int DEFAULT_LIMIT = 10_000;

    private static final Logger log = LoggerFactory.getLogger(ConnectionLog.class);

    private final int limit;
    private final List<RecordingListener> listeners = new CopyOnWriteArrayList<>();
    private volatile Generation current = new Generation(System.nanoTime());

    /** @param limit how many ended connections to keep (every open one is kept too), see {@link #checkLimit} */
    public ConnectionLog(int limit) {
        this.limit = checkLimit(limit);
    }

    /**
     * @return {@code limit} if it is a valid recording limit
     * @throws IllegalArgumentException naming the value and what is accepted
     */
    public static int checkLimit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("recording limit " + limit + " is negative; accepted are 0 "
                    + "(keep only open connections) and more");
        }
        return limit;
    }

    /** Opens the record of a newly accepted connection. */
    public LiveConnection accepted(SocketAddress remoteAddress) {
        Generation generation = current;
        LiveConnection connection = new LiveConnection(this, generation.epochNanos,
                generation.attempts.incrementAndGet(), remoteAddress);
        generation.connections.put(connection.attempt(), connection);
        return connection;
    }

    /** A connection's record is complete: beyond the limit, the connection that ended longest ago is dropped. */
    void ended(LiveConnection connection) {
        Generation generation = current;
        if (!connection.belongsTo(generation.epochNanos)) {
            return;
        }
        generation.ended.add(connection);
        if (generation.endedKept.incrementAndGet() > limit) {
            LiveConnection oldest = generation.ended.poll();
            if (oldest != null) {
                generation.connections.remove(oldest.attempt());
                generation.endedKept.decrementAndGet();
                generation.dropped.incrementAndGet();
            }
        }
    }

    void publish(ConnectionEvent.Type type, LiveConnection connection) {
        if (listeners.isEmpty() || !connection.belongsTo(current.epochNanos)) {
            return;
        }
        ConnectionEvent event = new ConnectionEvent(type, connection.snapshot());
        for (RecordingListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                log.warn("Recording listener {} failed on {}", listener, event, e);
            }
        }
    }

    @Override
    public List<ConnectionRecord> connections() {
        List<ConnectionRecord> records = new ArrayList<>();
        for (LiveConnection connection : current.connections.values()) {
            records.add(connection.snapshot());
        }
        records.sort(Comparator.comparingInt(ConnectionRecord::attempt));
        return List.copyOf(records);
    }

    @Override
    public int attempts() {
        return current.attempts.get();
    }

    @Override
    public ConnectionRecord attempt(int number) {
        Generation generation = current;
        LiveConnection connection = generation.connections.get(number);
        if (connection != null) {
            return connection.snapshot();
        }
        int attempts = generation.attempts.get();
        if (number >= 1 && number <= attempts) {
            throw new IllegalArgumentException("Attempt #" + number + " is no longer in the recording: it keeps every open "
                    + "connection and the " + limit + " that ended most recently (ChaosProxy.Builder.recordingLimit); "
                    + generation.dropped.get() + " ended connections were dropped so far");
        }
        throw new IllegalArgumentException("No attempt #" + number + ": attempts so far are numbered 1 to "
                + attempts + (attempts == 0 ? " (none yet)" : ""));
    }

    @Override
    public Optional<ConnectionRecord> last() {
        List<ConnectionRecord> records = connections();
        return records.isEmpty() ? Optional.empty() : Optional.of(records.get(records.size() - 1));
    }

    @Override
    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - current.epochNanos);
    }

    @Override
    public void clear() {
        current = new Generation(System.nanoTime());
    }

    @Override
    public Subscription subscribe(RecordingListener listener) {
        java.util.Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public String toString() {
        Generation generation = current;
        int dropped = generation.dropped.get();
        int attempts = generation.attempts.get();
        return "Recording of " + attempts + (attempts == 1 ? " attempt" : " attempts")
                + (dropped == 0 ? "" : " (" + dropped + " ended ones dropped: it keeps the " + limit + " that ended last)");
    }

    private static final class Generation {
        final long epochNanos;
        final AtomicInteger attempts = new AtomicInteger();
        /** By attempt number: every connection kept. */
        final Map<Integer, LiveConnection> connections = new ConcurrentHashMap<>();
        /** The kept connections that ended, in the order they ended. */
        final Queue<LiveConnection> ended = new ConcurrentLinkedQueue<>();
        final AtomicInteger endedKept = new AtomicInteger();
        final AtomicInteger dropped = new AtomicInteger();

        Generation(long epochNanos) {
            this.epochNanos = epochNanos;
        }
    }
}
