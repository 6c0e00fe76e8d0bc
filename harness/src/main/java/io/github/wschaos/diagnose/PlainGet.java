package io.github.wschaos.diagnose;

import static io.github.wschaos.diagnose.RunContext.millis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import javax.net.ssl.SSLSocket;

/**
 * One plain HTTP GET to the same URL (same host, port and path, over TLS for wss://) on a new connection, with no
 * Upgrade headers: whether HTTP gets through, or is answered otherwise, where the upgrade was not. Not retried;
 * bounded by the timeout.
 *
 * @param answer the HTTP answer, or null when none came (no answer, a reset, not HTTP)
 * @param evidence what the GET got, as a line of evidence under the upgrade row
 */
record PlainGet(Wire.Answer answer, String evidence) {

    boolean answered() {
        return answer != null;
    }

    /** Whether it was answered with another status than {@code status}. */
    boolean answeredOtherwiseThan(int status) {
        return answer != null && answer.status() != status;
    }

    /** Sends the GET ({@code why} says why, in the progress line) and reads its answer. */
    static PlainGet send(RunContext run, Connections connections, String why) {
        DiagnosisOptions options = run.options;
        Endpoint endpoint = run.endpoint;
        options.progress().accept(why + ": does a plain GET " + endpoint.requestTarget() + " (no Upgrade headers) get an answer? ...");
        String what = "a plain GET " + endpoint.requestTarget() + " (no Upgrade headers, new connection): ";
        long start = System.nanoTime();
        DeadlineSocket plain = new DeadlineSocket();
        Socket socket = plain;
        try {
            socket.connect(new InetSocketAddress(run.address, endpoint.port()), run.timeoutMillis);
            socket.setSoTimeout(run.timeoutMillis);
            if (endpoint.secure()) {
                SSLSocket ssl = connections.sslSocket(socket, new RecordingTrust(options.trust(), options.insecure()));
                connections.handshake(ssl, plain);
                socket = ssl;
            }
            try (Wire wire = new Wire(socket)) {
                wire.sendPlainGet(endpoint, options.headers());
                Wire.Answer answer = wire.readAnswer();
                String seen = answer.statusLine() + (answer.server().isEmpty() ? "" : " (Server: " + answer.server() + ")")
                        + " in " + answer.millisSince(start);
                if (answer.status() <= 0) {
                    return new PlainGet(null, what + "not HTTP: " + seen);
                }
                if (!endpoint.secure()) {
                    run.checks.put("TLS", Check.passed("TLS", "none expected (ws://); the port answers plain HTTP (to a plain GET)",
                            Duration.ZERO));
                }
                return new PlainGet(answer, what + seen);
            }
        } catch (SocketTimeoutException e) {
            Connections.close(socket);
            return new PlainGet(null, what + "no answer within " + options.timeout().toMillis() + " ms either");
        } catch (IOException | RuntimeException e) {
            Connections.close(socket);
            return new PlainGet(null, what + e.getClass().getName() + ": " + e.getMessage() + " after " + millis(start));
        }
    }
}
