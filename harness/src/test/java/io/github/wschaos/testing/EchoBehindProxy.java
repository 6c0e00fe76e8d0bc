package io.github.wschaos.testing;

import io.github.wschaos.ChaosProxy;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The setup most fault tests share, as a JUnit extension: a {@link NettyEchoServer} and a {@link ChaosProxy} in
 * front of it, started before each test and closed after it.
 *
 * <pre>{@code @RegisterExtension final EchoBehindProxy echo = new EchoBehindProxy();}</pre>
 */
public final class EchoBehindProxy implements BeforeEachCallback, AfterEachCallback {

    private NettyEchoServer server;
    private ChaosProxy proxy;

    @Override
    public void beforeEach(ExtensionContext context) {
        server = NettyEchoServer.start();
        proxy = ChaosProxy.start(server.uri());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            proxy.close();
        } finally {
            server.close();
        }
    }

    public NettyEchoServer server() {
        return server;
    }

    public ChaosProxy proxy() {
        return proxy;
    }
}
