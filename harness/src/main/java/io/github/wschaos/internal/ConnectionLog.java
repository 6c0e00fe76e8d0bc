package io.github.wschaos.internal;

import io.github.wschaos.record.ConnectionEvent;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Recording;
import io.github.wschaos.record.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The proxy's {@link Recording}: a generation of live connections that {@link #clear()} replaces at once. */
public final class ConnectionLog implements Recording {

    private static final Logger log = LoggerFactory.getLogger(ConnectionLog.class);

    private final List<RecordingListener> listeners = new CopyOnWriteArrayList<>();
    private volatile Generation current = new Generation(System.nanoTime());

    /** Opens the record of a newly accepted connection. */
    public LiveConnection accepted(String remoteAddress) {
        Generation generation = current;
        LiveConnection connection = new LiveConnection(this, generation.epochNanos,
                generation.attempts.incrementAndGet(), remoteAddress);
        generation.connections.add(connection);
        return connection;
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
        for (LiveConnection connection : current.connections) {
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
        for (LiveConnection connection : current.connections) {
            if (connection.attempt() == number) {
                return connection.snapshot();
            }
        }
        throw new IllegalArgumentException("No attempt #" + number + ": attempts so far are numbered 1 to "
                + attempts() + (attempts() == 0 ? " (none yet)" : ""));
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
        return "Recording of " + attempts() + " attempts";
    }

    private static final class Generation {
        final long epochNanos;
        final AtomicInteger attempts = new AtomicInteger();
        final Queue<LiveConnection> connections = new ConcurrentLinkedQueue<>();

        Generation(long epochNanos) {
            this.epochNanos = epochNanos;
        }
    }
}
