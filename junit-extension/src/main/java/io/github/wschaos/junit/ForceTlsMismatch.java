package io.github.wschaos.junit;

import io.github.wschaos.fault.TlsMismatch;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Arms the catalogue fault for TLS going wrong between client and proxy: wrong scheme, untrusted, expired or wrong-host certificate, no common version, for one test (on a method) or for every test of the class (on the class).
 *
 * <p>Each {@link TlsMismatch} mode says what the client sees. The modes that change the certificate need
 * {@code @WebSocketChaos(tls = true)}; arming one on a plain listener fails the test with a message saying so.
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
@Repeatable(ForceTlsMismatch.List.class)
@ExtendWith(WebSocketChaosExtension.class)
public @interface ForceTlsMismatch {

    /** How TLS fails. */
    TlsMismatch value();

    /** Only these attempts, 1-based since the test started: {@code "3"} or {@code "2..4"}; empty for every attempt. */
    String attempts() default "";

    /** Only the next this many connections after the fault is armed; 0 for no limit. */
    int next() default 0;

    /** Each connection with this probability (0 to 1), drawn from the proxy's seed and the attempt number. */
    double probability() default 1.0;

    /**
     * Only connections accepted at least this long after the fault is armed ({@code "2s"}, scaled by the proxy's
     * time scale); empty for at once.
     */
    String startingAfter() default "";

    /** Holds repeated {@code @ForceTlsMismatch} annotations. */
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @Inherited
    @ExtendWith(WebSocketChaosExtension.class)
    @interface List {
        /** The repeated annotations. */
        ForceTlsMismatch[] value();
    }
}
