package io.github.wschaos.diagnose;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * One loopback port that takes TLS and plain HTTP alike, as a TLS server such as Apache's or Caddy's does: a
 * connection that opens with a TLS record gets a handshake (a self-signed certificate for localhost) and, if
 * {@code tlsAnswer} is not null, that answer to its request; any other connection gets {@code plainAnswer} to its
 * request. So a canned answer captured from a real product can be replayed while the port still completes a TLS
 * handshake, as the real one did.
 */
final class TlsPortAnswers implements AutoCloseable {

    private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final SSLContext tls;
    private final String plainAnswer;
    private final String tlsAnswer;

    private TlsPortAnswers(String plainAnswer, String tlsAnswer) throws Exception {
        this.plainAnswer = plainAnswer;
        this.tlsAnswer = tlsAnswer;
        X509Bundle leaf = new CertificateBuilder().subject("CN=localhost").addSanDnsName("localhost")
                .setIsCertificateAuthority(true).buildSelfSigned();
        tls = SSLContext.getInstance("TLS");
        tls.init(leaf.toKeyManagerFactory().getKeyManagers(), null, null);
        Thread acceptor = new Thread(this::acceptLoop, "tls-port-answers");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A started port: plain HTTP gets {@code plainAnswer}, TLS gets {@code tlsAnswer} (null: the handshake only). */
    static TlsPortAnswers start(String plainAnswer, String tlsAnswer) throws Exception {
        return new TlsPortAnswers(plainAnswer, tlsAnswer);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                Thread serving = new Thread(() -> serve(socket), "tls-port-answers-connection");
                serving.setDaemon(true);
                serving.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(10_000);
            BufferedInputStream in = new BufferedInputStream(socket.getInputStream());
            in.mark(1);
            int first = in.read();
            if (first < 0) {
                return;
            }
            in.reset();
            if (first == 0x16) {
                byte[] consumed = in.readNBytes(in.available());
                try (SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket,
                        new ByteArrayInputStream(consumed), true)) {
                    ssl.startHandshake();
                    if (tlsAnswer != null) {
                        answer(ssl.getInputStream(), ssl.getOutputStream(), tlsAnswer);
                    } else {
                        ssl.getInputStream().read();
                    }
                }
            } else {
                answer(in, socket.getOutputStream(), plainAnswer);
            }
        } catch (IOException e) {
            // The client went away: part of what diagnose does (a handshake only, a plain GET).
        }
    }

    /** Reads one request head and writes {@code answer}, then waits for the client to close. */
    private static void answer(InputStream in, OutputStream out, String answer) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b == -1) {
                return;
            }
            matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
        }
        out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        in.read();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
