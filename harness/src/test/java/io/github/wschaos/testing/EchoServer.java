package io.github.wschaos.testing;

import java.net.URI;
import java.util.List;

/**
 * A real WebSocket echo server on loopback, used as the upstream behind a proxy in tests.
 *
 * <p>Every implementation behaves the same way, so that a test can run against each of them:
 * <ul>
 *   <li>text and binary messages are echoed back unchanged, as the same kind of message;</li>
 *   <li>a close frame from the client is answered with a close frame with the same code and reason;</li>
 *   <li>the text message {@code close:<code>:<reason>} (e.g. {@code close:4002:server bye}) makes the server
 *       start the close handshake itself with that code and reason, instead of echoing;</li>
 *   <li>the text message {@code abort} makes the server drop the TCP connection without any close frame;</li>
 *   <li>the close frames the server received are listed by {@link #closesReceived()}.</li>
 * </ul>
 */
public interface EchoServer extends AutoCloseable {

    /** The text command that makes the server drop the connection without a close frame. */
    String ABORT = "abort";

    /** The text command that makes the server close with {@code code} and {@code reason}. */
    static String closeCommand(int code, String reason) {
        return "close:" + code + ":" + reason;
    }

    /** The {@code ws://127.0.0.1:<port>/<path>} a client (or a proxy) connects to. */
    URI uri();

    /** The code and reason of every close frame the server received from a client so far, in order. */
    List<CloseStatus> closesReceived();

    /** Stops the server and closes every connection it holds. */
    @Override
    void close();
}
