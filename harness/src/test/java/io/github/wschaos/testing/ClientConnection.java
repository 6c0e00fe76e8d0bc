package io.github.wschaos.testing;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An open connection of a real client library (see {@link RealClient}), seen the same way whichever library
 * it is: send text, binary and a close; take the messages received, in order; learn how the connection ended.
 */
public abstract class ClientConnection implements AutoCloseable {

    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<ClientEnding> ending = new CompletableFuture<>();

    /** Sends a whole text message. */
    public abstract void sendText(String text) throws Exception;

    /** Sends a whole binary message. */
    public abstract void sendBinary(byte[] data) throws Exception;

    /** Starts the close handshake with {@code code} and {@code reason}. */
    public abstract void sendClose(int code, String reason) throws Exception;

    /** Drops the connection, whatever its state; for clean-up after a test. */
    @Override
    public abstract void close();

    /**
     * The next message received: a {@code String} for text, a {@code byte[]} for binary.
     *
     * @throws AssertionError if none arrives within {@code timeout}
     */
    public Object nextMessage(Duration timeout) throws InterruptedException {
        Object message = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
            throw new AssertionError("no message received within " + timeout + "; ended: " + ending.getNow(null));
        }
        return message;
    }

    /** Completes with the first close or failure the client library reported. */
    public CompletableFuture<ClientEnding> ending() {
        return ending;
    }

    /** For implementations: a whole message arrived. */
    protected void received(Object message) {
        received.add(message);
    }

    /** For implementations: the library reported how the connection ended (the first report counts). */
    protected void ended(ClientEnding end) {
        ending.complete(end);
    }
}
