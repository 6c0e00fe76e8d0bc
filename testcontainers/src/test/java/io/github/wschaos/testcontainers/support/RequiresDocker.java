package io.github.wschaos.testcontainers.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test class needs a Docker engine and the locally built images. Outside CI, without an engine, the class is
 * skipped with the reason; with {@code CI=true} it always runs (and fails with the reason if there is no engine).
 * Must come before {@code @Testcontainers} so that nothing starts a container first.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(DockerCondition.class)
public @interface RequiresDocker {
}
