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
 * Arms the catalogue fault for a deploy (1001), a restart (1012), overload (1013), a server error (1011), application codes 4000-4999, for one test (on a method) or for every test of the class (on the class).
 *
 * <p>{@link #after()} the upgrade (at once for connections already open when it is armed) the client gets a close
 * frame with {@link #value()} and {@link #reason()}; the upstream gets one too unless {@link #alsoUpstream()} is
 * false.
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
@Repeatable(CloseWithCode.List.class)
@ExtendWith(WebSocketChaosExtension.class)
public @interface CloseWithCode {

    /** The close code: 1000-1003, 1007-1014 or 3000-4999, or 1005 for a close frame without a code (and no reason). */
    int value();

    /** The close reason, at most 123 bytes of UTF-8. */
    String reason() default "";

    /** How long after the upgrade, a production duration: {@code "500ms"}, {@code "2s"}, {@code "1m"}, {@code "1h"} or ISO-8601 {@code "PT2S"}, scaled by the proxy's time scale; {@code "0s"} for at once. */
    String after() default "0s";

    /** Whether the upstream gets the close frame too. */
    boolean alsoUpstream() default true;

    /** Only these attempts, 1-based since the test started: {@code "3"} or {@code "2..4"}; empty for every attempt. */
    String attempts() default "";

    /** Only the next this many connections after the fault is armed; 0 for no limit. */
    int next() default 0;

    /** Only requests on this path, or under it when it ends with {@code /} or {@code *}; empty for any path. */
    String path() default "";

    /** Each connection with this probability (0 to 1), drawn from the proxy's seed and the attempt number. */
    double probability() default 1.0;

    /**
     * Only connections accepted at least this long after the fault is armed ({@code "2s"}, scaled by the proxy's
     * time scale); empty for at once.
     */
    String startingAfter() default "";

    /** Holds repeated {@code @CloseWithCode} annotations. */
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @Inherited
    @ExtendWith(WebSocketChaosExtension.class)
    @interface List {
        /** The repeated annotations. */
        CloseWithCode[] value();
    }
}
