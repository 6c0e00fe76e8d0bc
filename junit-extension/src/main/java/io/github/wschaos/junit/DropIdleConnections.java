package io.github.wschaos.junit;

import io.github.wschaos.fault.IdleCut;
import io.github.wschaos.fault.IdleTimer;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Arms the catalogue fault for an idle timeout: Heroku's router (55 s), an AWS ALB (60 s), nginx's {@code proxy_read_timeout}, for one test (on a method) or for every test of the class (on the class).
 *
 * <p>An upgraded connection with no data for {@link #value()} (counted as {@link #resetOn()} says; pings and pongs are
 * data) is closed with a TCP FIN and no close frame: the client reports {@code 1006}; with {@code cut = RESET}, reset;
 * with {@code cut = GOING_AWAY}, close {@code 1001 "Connection Idle Timeout"} as a server's own idle timeout (Jetty's).
 * Before the upgrade, a plain HTTP request (an upgrade request included) whose answer does not start within the timeout
 * gets a {@code 504 Gateway Time-out} from the proxy, and an answer that stalls is cut short, as behind nginx
 * ({@code GOING_AWAY} applies to upgraded connections only).
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
@Repeatable(DropIdleConnections.List.class)
@ExtendWith(WebSocketChaosExtension.class)
public @interface DropIdleConnections {

    /** The idle timeout, a production duration: {@code "500ms"}, {@code "2s"}, {@code "1m"}, {@code "1h"} or ISO-8601 {@code "PT2S"}, scaled by the proxy's time scale. */
    String value();

    /** Which traffic resets the timer: either direction (Heroku, ALB, nginx), upstream only or client only. */
    IdleTimer resetOn() default IdleTimer.ANY_DATA;

    /**
     * How the connection ends: a FIN (most middleboxes; the client reports 1006), a reset (Azure's load balancer) or a
     * close frame 1001 (a server's own idle timeout, Jetty's).
     */
    IdleCut cut() default IdleCut.FIN;

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

    /** Holds repeated {@code @DropIdleConnections} annotations. */
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @Inherited
    @ExtendWith(WebSocketChaosExtension.class)
    @interface List {
        /** The repeated annotations. */
        DropIdleConnections[] value();
    }
}
