package io.github.wschaos.diagnose;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * The run's connections to the endpoint: TLS over a connected socket (the host name checked, as a browser does),
 * a new connection with its upgrade request sent, and a quiet close.
 */
final class Connections {

    private final RunContext run;
    private final DiagnosisOptions options;
    private final Endpoint endpoint;

    Connections(RunContext run) {
        this.run = run;
        this.options = run.options;
        this.endpoint = run.endpoint;
    }

    /** {@code socket} wrapped in TLS for the endpoint's host, the handshake not yet started. */
    SSLSocket sslSocket(Socket socket, RecordingTrust trust) throws IOException {
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
        } catch (Exception e) {
            throw new IllegalStateException("no TLS in this JDK: " + e, e);
        }
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(socket, endpoint.host(), endpoint.port(), true);
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(parameters);
        ssl.setSoTimeout(run.timeoutMillis);
        return ssl;
    }

    /**
     * Runs {@code ssl}'s handshake, layered over {@code socket}, whose reads are bounded by the timeout as a whole, from
     * now on, not each by the timeout.
     */
    void handshake(SSLSocket ssl, DeadlineSocket socket) throws IOException {
        socket.until(System.nanoTime() + options.timeout().toNanos());
        try {
            ssl.startHandshake();
        } finally {
            socket.unbounded();
        }
    }

    /** A new connection (TCP, TLS) with the upgrade request sent. */
    Wire open(String origin) throws IOException {
        DeadlineSocket plain = new DeadlineSocket();
        Socket socket = plain;
        try {
            socket.connect(new InetSocketAddress(run.address, endpoint.port()), run.timeoutMillis);
            socket.setSoTimeout(run.timeoutMillis);
            socket.setTcpNoDelay(true);
            if (endpoint.secure()) {
                SSLSocket ssl = sslSocket(socket, new RecordingTrust(options.trust(), options.insecure()));
                handshake(ssl, plain);
                socket = ssl;
            }
            Wire wire = new Wire(socket);
            wire.sendUpgrade(endpoint, Wire.newKey(), origin, options.headers());
            return wire;
        } catch (IOException | RuntimeException e) {
            close(socket);
            throw e;
        }
    }

    static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
