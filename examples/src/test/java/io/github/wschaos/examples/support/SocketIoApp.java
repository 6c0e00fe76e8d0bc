package io.github.wschaos.examples.support;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;

/**
 * A real Socket.IO server (netty-socketio) on 127.0.0.1 and a free port, with both of Socket.IO's transports
 * (HTTP long-polling and WebSocket), that answers every {@code echo} event with an {@code echo} event.
 */
public final class SocketIoApp implements AutoCloseable {

    private final SocketIOServer server;
    private final int port;

    private SocketIoApp() {
        port = freePort();
        Configuration config = new Configuration();
        config.setHostname("127.0.0.1");
        config.setPort(port);
        config.setBossThreads(1);
        config.setWorkerThreads(1);
        config.setUseLinuxNativeEpoll(false);
        server = new SocketIOServer(config);
        server.addEventListener("echo", String.class, (client, data, ack) -> client.sendEvent("echo", data));
        server.start();
    }

    /** A started server. */
    public static SocketIoApp start() {
        return new SocketIoApp();
    }

    /** {@code ws://127.0.0.1:<port>/socket.io/}, the upstream for a proxy in front of it. */
    public URI wsUri() {
        return URI.create("ws://127.0.0.1:" + port + "/socket.io/");
    }

    @Override
    public void close() {
        server.stop();
    }

    private static int freePort() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
