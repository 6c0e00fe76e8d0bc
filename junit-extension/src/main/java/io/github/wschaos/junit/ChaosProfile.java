package io.github.wschaos.junit;

import io.github.wschaos.fault.Fault;
import io.github.wschaos.fault.Profiles;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Arms the faults a named real platform applies ({@link Profiles}), with that platform's production timings, for one
 * test (on a method) or every test of the class (on the class). The proxy's time scale shrinks them:
 * {@code @WebSocketChaos(timeScale = 0.01)} with {@code @ChaosProfile(Platform.HEROKU_ROUTER)} drops idle
 * connections after 550 ms.
 *
 * <p>Armed and disarmed like the single fault annotations, with the same targeting for every fault of the profile.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Repeatable(ChaosProfile.List.class)
@ExtendWith(WebSocketChaosExtension.class)
public @interface ChaosProfile {

    /** The platform. */
    Platform value();

    /**
     * {@link Platform#AWS_ALB} only: the load balancer's configured idle timeout (1 s to 4000 s), e.g. {@code "350s"};
     * empty for its default of 60 s.
     */
    String idleTimeout() default "";

    /** Only these attempts, 1-based since the test started: {@code "3"} or {@code "2..4"}; empty for every attempt. */
    String attempts() default "";

    /** Only the next this many connections after the profile is armed; 0 for no limit. */
    int next() default 0;

    /** Only requests on this path, or under it when it ends with {@code /} or {@code *}; empty for any path. */
    String path() default "";

    /** Each connection with this probability (0 to 1), drawn from the proxy's seed and the attempt number. */
    double probability() default 1.0;

    /** Only connections accepted at least this long after the profile is armed ({@code "2s"}); empty for at once. */
    String startingAfter() default "";

    /** The platforms of {@link Profiles}, each documented there with the source of its numbers. */
    enum Platform {
        /** nginx without the upgrade configuration: the upstream never sees {@code Upgrade}. */
        NGINX_WITHOUT_UPGRADE_CONFIGURATION,
        /** nginx's default {@code proxy_read_timeout}: closed after 60 s without data either way. */
        NGINX_DEFAULTS,
        /** Heroku's router: closed after 55 s without data either way. */
        HEROKU_ROUTER,
        /** An AWS Application Load Balancer: closed after its idle timeout (60 s by default) without data either way. */
        AWS_ALB;

        /** The platform's faults; {@code albIdleTimeout} is used by {@link #AWS_ALB} only, null for its default. */
        public java.util.List<Fault> faults(Duration albIdleTimeout) {
            return switch (this) {
                case NGINX_WITHOUT_UPGRADE_CONFIGURATION -> Profiles.nginxWithoutUpgradeConfiguration();
                case NGINX_DEFAULTS -> Profiles.nginxDefaults();
                case HEROKU_ROUTER -> Profiles.herokuRouter();
                case AWS_ALB -> albIdleTimeout == null ? Profiles.awsAlb() : Profiles.awsAlb(albIdleTimeout);
            };
        }
    }

    /** Holds repeated {@code @ChaosProfile} annotations. */
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @Inherited
    @ExtendWith(WebSocketChaosExtension.class)
    @interface List {
        /** The repeated annotations. */
        ChaosProfile[] value();
    }
}
