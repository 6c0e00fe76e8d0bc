package io.github.wschaos.junit;

import io.github.wschaos.junit.testing.EchoServer;

/** The echo server the fixtures reach through {@code ${wschaos.test.echo.port}}; started by the outer tests. */
final class Echo {

    static final String UPSTREAM = "ws://127.0.0.1:${wschaos.test.echo.port}/echo";
    static final String PORT_PROPERTY = "wschaos.test.echo.port";

    static volatile EchoServer server;

    private Echo() {
    }

    static void start() {
        server = EchoServer.start();
        System.setProperty(PORT_PROPERTY, String.valueOf(server.port()));
    }

    static void stop() {
        System.clearProperty(PORT_PROPERTY);
        server.close();
    }
}
