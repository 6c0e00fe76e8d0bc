package io.github.wschaos.junit;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.junit.WebSocketChaos.Lifecycle;
import io.github.wschaos.junit.internal.ChaosLifecycle;
import io.github.wschaos.junit.internal.ChaosSettings;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URI;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.DynamicTestInvocationContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * The extension behind {@link WebSocketChaos}, and its programmatic form for what annotations cannot express.
 *
 * <pre>{@code
 * @RegisterExtension
 * static WebSocketChaosExtension chaos = WebSocketChaosExtension.builder()
 *         .upstream(() -> server.uri())                       // computed when the proxy starts
 *         .timeScale(0.01)
 *         .configure(proxy -> proxy.connectTimeout(Duration.ofMillis(200)))
 *         .build();
 * }</pre>
 *
 * <p>It behaves as {@link WebSocketChaos} describes (injection, fault annotations, reset between tests, the timeline of
 * a failed test), with one proxy per class in a static field, and one proxy per test in an instance field (unless the
 * class uses {@code @TestInstance(PER_CLASS)}, which makes it per class again). {@link #proxy()} gives the proxy to code
 * that cannot take a parameter. Use either this or {@code @WebSocketChaos} on a class, not both.
 *
 * <p>The callback methods are JUnit's; tests do not call them.
 */
public final class WebSocketChaosExtension implements BeforeAllCallback, BeforeEachCallback, BeforeTestExecutionCallback,
        AfterEachCallback, ParameterResolver, InvocationInterceptor {

    private final ChaosLifecycle lifecycle;

    /** The instance JUnit creates for {@link WebSocketChaos} and the fault annotations. */
    private WebSocketChaosExtension() {
        this(null);
    }

    private WebSocketChaosExtension(ChaosSettings settings) {
        this.lifecycle = new ChaosLifecycle(settings);
    }

    /** A builder for {@code @RegisterExtension}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The proxy of the class or test whose code calls it (a test, a lifecycle method, a constructor): with one instance
     * in a static field of a base class that classes running in parallel share, each gets its own, never another's. From
     * a thread no test code runs on (one the test started), the one proxy of this extension that is running.
     *
     * @throws IllegalStateException before the calling class's proxy started (it starts when a test or an injection
     *         first needs it); from a thread of the test's own while several classes' proxies are running
     */
    public ChaosProxy proxy() {
        ChaosProxy proxy = lifecycle.proxy();
        if (proxy == null) {
            throw new IllegalStateException("The chaos proxy has not started yet: it starts before the first test "
                    + "(or when first injected); ask for it from a test or a @BeforeEach method, or take a ChaosProxy parameter");
        }
        return proxy;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        lifecycle.beforeAll(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        lifecycle.beforeEach(context);
    }

    @Override
    public void beforeTestExecution(ExtensionContext context) {
        lifecycle.beforeTestExecution(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        lifecycle.afterEach(context);
    }

    @Override
    public <T> T interceptTestClassConstructor(Invocation<T> invocation,
            ReflectiveInvocationContext<Constructor<T>> invocationContext, ExtensionContext extensionContext) throws Throwable {
        return lifecycle.inScope(invocation, extensionContext);
    }

    @Override
    public void interceptBeforeAllMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext) throws Throwable {
        lifecycle.inScope(invocation, extensionContext);
    }

    @Override
    public void interceptBeforeEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext) throws Throwable {
        lifecycle.inScope(invocation, extensionContext);
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext) throws Throwable {
        lifecycle.inScope(invocation, extensionContext);
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext) throws Throwable {
        lifecycle.inScope(invocation, extensionContext);
    }

    @Override
    public <T> T interceptTestFactoryMethod(Invocation<T> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext) throws Throwable {
        return lifecycle.inScope(invocation, extensionContext);
    }

    @Override
    public void interceptAfterEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext) throws Throwable {
        lifecycle.inScope(invocation, extensionContext);
    }

    @Override
    public void interceptAfterAllMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext) throws Throwable {
        lifecycle.inScope(invocation, extensionContext);
    }

    /** Publishes the timeline of a failed dynamic test: JUnit's after-each callbacks see only its factory. */
    @Override
    public void interceptDynamicTest(Invocation<Void> invocation, DynamicTestInvocationContext invocationContext,
            ExtensionContext extensionContext) throws Throwable {
        lifecycle.dynamicTest(invocation, extensionContext);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return lifecycle.supportsParameter(parameterContext, extensionContext);
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return lifecycle.resolveParameter(parameterContext, extensionContext);
    }

    /** Settings of a {@link WebSocketChaosExtension}; the same as {@link WebSocketChaos}'s, plus {@link #configure}. */
    public static final class Builder {

        private String upstreamTemplate;
        private Supplier<URI> upstreamSupplier;
        private boolean tls;
        private long seed = 0x5eed;
        private double timeScale = 1.0;
        private int port;
        private Consumer<ChaosProxy.Builder> customizer = builder -> { };

        private Builder() {
        }

        /** The upstream; may contain {@code ${name}} and {@code ${name:default}} placeholders, resolved when the proxy starts. */
        public Builder upstream(String uri) {
            this.upstreamTemplate = Objects.requireNonNull(uri, "upstream");
            this.upstreamSupplier = null;
            return this;
        }

        /** The upstream. */
        public Builder upstream(URI uri) {
            Objects.requireNonNull(uri, "upstream");
            return upstream(() -> uri);
        }

        /** The upstream, computed when the proxy starts (after the class's {@code @BeforeAll} methods). */
        public Builder upstream(Supplier<URI> uri) {
            this.upstreamSupplier = Objects.requireNonNull(uri, "upstream");
            this.upstreamTemplate = null;
            return this;
        }

        /** Listens with TLS ({@code wss://}). */
        public Builder tls() {
            this.tls = true;
            return this;
        }

        /** The seed of every random choice. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * The factor applied to every fault duration, e.g. {@code 0.01}.
         *
         * @throws IllegalArgumentException unless positive and finite
         */
        public Builder timeScale(double factor) {
            if (!(factor > 0.0) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException("time scale " + factor + " must be a positive finite number, e.g. 0.01");
            }
            this.timeScale = factor;
            return this;
        }

        /**
         * The port to listen on; 0 (the default) for an ephemeral one.
         *
         * @throws IllegalArgumentException outside 0-65535
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is out of range; accepted are 0 (ephemeral) to 65535");
            }
            this.port = port;
            return this;
        }

        /** Anything else on the proxy's own builder (trust, timeouts, threads), applied last, each time a proxy starts. */
        public Builder configure(Consumer<ChaosProxy.Builder> customizer) {
            this.customizer = this.customizer.andThen(Objects.requireNonNull(customizer, "customizer"));
            return this;
        }

        /** The extension, for a {@code @RegisterExtension} field. */
        public WebSocketChaosExtension build() {
            return new WebSocketChaosExtension(new ChaosSettings(upstreamTemplate, upstreamSupplier, tls, seed, timeScale,
                    port, Lifecycle.PER_CLASS, customizer));
        }
    }
}
