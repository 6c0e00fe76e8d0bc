package io.github.wschaos.junit;

import io.github.wschaos.ChaosProxy;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the test class a running {@link ChaosProxy} between the code under test and its WebSocket peer.
 *
 * <pre>{@code
 * @WebSocketChaos(upstream = "ws://127.0.0.1:${echo.port}/chat", timeScale = 0.01)
 * class ReconnectTest {
 *
 *     @Test
 *     @DropIdleConnections("55s")                       // Heroku's router; 550 ms at this time scale
 *     void reconnectsAfterIdleDrop(ChaosProxy proxy, @ChaosProxyUri URI uri) {
 *         client.connect(uri);
 *         assertThat(proxy).within(Duration.ofSeconds(5)).hasAttempts(2);
 *     }
 * }
 * }</pre>
 *
 * <p>What a test observes:
 * <ul>
 *   <li>A {@code ChaosProxy} parameter (test methods, {@code @BeforeEach}/{@code @AfterEach}, {@code @BeforeAll}/
 *       {@code @AfterAll} and constructors) receives the proxy; a {@code URI} or {@code String} parameter annotated
 *       {@link ChaosProxyUri} receives the address a client should connect to.</li>
 *   <li>The proxy starts when first needed (the first injection or the first test, after the class's
 *       {@code @BeforeAll} methods), so an upstream started in {@code @BeforeAll} can still be named.</li>
 *   <li>Before each test (before its {@code @BeforeEach} methods) the recording is cleared and the fault annotations
 *       of the class and the method are armed; after it (after its {@code @AfterEach} methods) every fault is
 *       disarmed, including those the test injected itself. The proxy is closed when the class is done, also when a
 *       test or a lifecycle method threw.</li>
 *   <li>When a test fails, the timeline of its connections is published as a report entry
 *       ({@code wschaos.timeline}), as a file ({@code wschaos-timeline.txt}, JUnit 5.12+) and logged at WARN; not when
 *       it was aborted by a failed assumption. A {@code @TestFactory} is reset and armed once, before the factory
 *       method: its dynamic tests share that, attempts count across them, and a failed one publishes the timeline of
 *       the factory's connections so far.</li>
 *   <li>A {@code @Nested} class uses the enclosing class's proxy unless it carries its own {@code @WebSocketChaos};
 *       then its proxy has that annotation's settings, and, when it names no upstream of its own, the upstream of the
 *       nearest enclosing class that names one ({@link #upstream()} or a {@link ChaosUpstream} member).</li>
 * </ul>
 *
 * <p>The upstream is, in this order of preference: {@link #upstream()} (a literal URI, or one with {@code ${name}}
 * or {@code ${name:default}} placeholders read from system properties, then environment variables, when the proxy
 * starts); a static field or static no-argument method of the class annotated {@link ChaosUpstream}; or none, in which
 * case the test must call {@code proxy.upstream(uri)} before its first test method runs (in {@code @BeforeAll} or
 * {@code @BeforeEach}), or the test fails with a message saying so.
 *
 * <p><b>Parallel execution.</b> Classes running at the same time have their own proxies and never see each other's
 * faults or connections. With {@link Lifecycle#PER_CLASS} (the default) the methods of one class share one proxy:
 * when they run concurrently, the faults armed by one test also hit connections of the others, and each test's
 * recording and failure timeline include the others' connections. Use {@link Lifecycle#PER_TEST} to give every test
 * its own proxy (and its own port) when methods run concurrently.
 *
 * <p>For settings annotations cannot express (upstream trust, connect timeout, a computed upstream), register
 * {@link WebSocketChaosExtension#builder()} with {@code @RegisterExtension} instead.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(WebSocketChaosExtension.class)
public @interface WebSocketChaos {

    /**
     * Where the proxy forwards: {@code ws://host[:port][/path]} or {@code wss://...}; may contain {@code ${name}} and
     * {@code ${name:default}} placeholders, resolved from system properties, then environment variables, when the
     * proxy starts. Empty (the default) for an upstream from {@link ChaosUpstream} or set at run time.
     */
    String upstream() default "";

    /** Whether the proxy listens with TLS ({@code wss://}), with a certificate generated in memory for loopback. */
    boolean tls() default false;

    /** The seed of every random choice (probability targets): the same seed hits the same attempts. */
    long seed() default 0x5eed;

    /**
     * The factor applied to every fault duration: with {@code 0.01} a {@code "55s"} idle drop happens after 550 ms.
     * Durations in fault annotations are production values; do not scale them yourself.
     */
    double timeScale() default 1.0;

    /** The port to listen on; 0 (the default) picks a free ephemeral port. */
    int port() default 0;

    /** Whether the class's tests share one proxy or each test gets its own. */
    Lifecycle lifecycle() default Lifecycle.PER_CLASS;

    /** How long a proxy lives. */
    enum Lifecycle {
        /**
         * One proxy for the class and its {@code @Nested} classes, started when first needed and closed after the
         * class; faults and the recording are reset between tests. Concurrent methods share it (see above).
         */
        PER_CLASS,
        /**
         * One proxy per test, started before its {@code @BeforeEach} methods and closed after its
         * {@code @AfterEach} methods: full isolation for methods running concurrently. {@code @BeforeAll},
         * {@code @AfterAll} and constructors cannot receive it.
         */
        PER_TEST
    }
}
