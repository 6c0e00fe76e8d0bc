package io.github.wschaos.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Arms the catalogue fault for origin checks: {@code verifyClient} in {@code ws}, Spring's allowed origins, Socket.IO CORS, for one test (on a method) or for every test of the class (on the class).
 *
 * <p>A handshake whose {@code Origin} is absent from {@link #value()} (or missing) is answered by the proxy with
 * {@link #status()} ({@code 403 Forbidden} by default); allowed origins pass through.
 *
 * <p>Armed before the test's {@code @BeforeEach} methods, disarmed after its {@code @AfterEach} methods. Repeatable
 * with different targets. Needs {@link WebSocketChaos} on the test class (or a registered
 * {@link WebSocketChaosExtension}); without one the test fails with a message saying so.
 * The proxy's counterpart is {@code io.github.wschaos.fault.Faults}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Repeatable(RejectOrigins.List.class)
@ExtendWith(WebSocketChaosExtension.class)
public @interface RejectOrigins {

    /** The origins let through, compared exactly, e.g. {@code "https://app.example"}; at least one. */
    String[] value();

    /** The status of the rejection, 400-599. */
    int status() default 403;

    /** Only these attempts, 1-based since the test started: {@code "3"} or {@code "2..4"}; empty for every attempt. */
    String attempts() default "";

    /** Only the next this many connections after the fault is armed; 0 for no limit. */
    int next() default 0;

    /** Only requests on this path, or under it when it ends with {@code /} or {@code *}; empty for any path. */
    String path() default "";

    /**
     * Only WebSocket upgrade requests ({@code Upgrade: websocket}); plain HTTP through the proxy (long-polling,
     * health checks) is left alone. See {@code Target.upgrades()}.
     */
    boolean upgradesOnly() default false;

    /** Each connection with this probability (0 to 1), drawn from the proxy's seed and the attempt number. */
    double probability() default 1.0;

    /**
     * Only connections accepted at least this long after the fault is armed ({@code "2s"}, scaled by the proxy's
     * time scale); empty for at once.
     */
    String startingAfter() default "";

    /** Holds repeated {@code @RejectOrigins} annotations. */
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @Inherited
    @ExtendWith(WebSocketChaosExtension.class)
    @interface List {
        /** The repeated annotations. */
        RejectOrigins[] value();
    }
}
