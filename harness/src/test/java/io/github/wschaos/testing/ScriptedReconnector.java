package io.github.wschaos.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A client whose reconnect schedule is given by the test: it makes a WebSocket handshake over a plain socket,
 * reads the status line, closes, waits the next delay on a timer (as a real client's backoff does) and tries
 * again, until the delays run out. {@link #done()} completes after the last attempt.
 */
public final class ScriptedReconnector implements AutoCloseable {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final URI uri;
    private final List<Duration> delays;

    private ScriptedReconnector(URI uri, List<Duration> delays) {
        this.uri = uri;
        this.delays = delays;
    }

    /** Makes one attempt at once, then one more after each of {@code delays}. */
    public static ScriptedReconnector start(URI uri, List<Duration> delays) {
        ScriptedReconnector reconnector = new ScriptedReconnector(uri, delays);
        reconnector.timer.execute(() -> reconnector.attempt(0));
        return reconnector;
    }

    public CompletableFuture<Void> done() {
        return done;
    }

    private void attempt(int index) {
        try {
            handshake();
        } catch (IOException e) {
            // a refused or reset attempt is still an attempt; go on with the schedule
        }
        if (index == delays.size()) {
            done.complete(null);
            return;
        }
        timer.schedule(() -> attempt(index + 1), delays.get(index).toNanos(), TimeUnit.NANOSECONDS);
    }

    private void handshake() throws IOException {
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                // the status line is all this client wants to know
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
