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
 * Arms the catalogue fault for Cloudflare's 52x, a 502 from a proxy whose upstream is down, 404 for a wrong path, 429, 503, for one test (on a method) or for every test of the class (on the class).
 *
 * <p>The handshake is answered by the proxy with {@link #value()}, {@link #headers()} and {@link #body()} (nginx's
 * plain page when the body is empty); the upstream never sees it.
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
@Repeatable(RespondWithStatus.List.class)
@ExtendWith(WebSocketChaosExtension.class)
public @interface RespondWithStatus {

    /** The HTTP status, 200-599; 204 and 304 with no body. */
    int value();

    /** Extra response headers as {@code "Name: value"}, e.g. {@code "Retry-After: 5"}. */
    String[] headers() default {};

    /** The response body; empty for nginx's plain page for the status. */
    String body() default "";

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

    /** Holds repeated {@code @RespondWithStatus} annotations. */
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @Inherited
    @ExtendWith(WebSocketChaosExtension.class)
    @interface List {
        /** The repeated annotations. */
        RespondWithStatus[] value();
    }
}
