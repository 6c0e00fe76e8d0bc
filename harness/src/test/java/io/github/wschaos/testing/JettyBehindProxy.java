package io.github.wschaos.testing;

import io.github.wschaos.ChaosProxy;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The setup of the HTTP proxying tests, as a JUnit extension: a {@link JettyHttpServer} (plain requests and upgrades
 * of {@code /ws}) and a {@link ChaosProxy} in front of it, started before each test and closed after it.
 *
 * <pre>{@code @RegisterExtension final JettyBehindProxy jetty = new JettyBehindProxy();}</pre>
 */
public final class JettyBehindProxy implements BeforeEachCallback, AfterEachCallback {

    private JettyHttpServer server;
    private ChaosProxy proxy;

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        server = JettyHttpServer.start();
        proxy = ChaosProxy.start(server.wsUri());
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            proxy.close();
        } finally {
            server.close();
        }
    }

    public JettyHttpServer server() {
        return server;
    }

    public ChaosProxy proxy() {
        return proxy;
    }
}
