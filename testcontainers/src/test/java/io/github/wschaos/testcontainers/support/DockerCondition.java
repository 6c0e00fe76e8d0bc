package io.github.wschaos.testcontainers.support;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/** {@link RequiresDocker}'s condition: skip without Docker outside CI, never in CI; images must exist. */
public final class DockerCondition implements ExecutionCondition, BeforeAllCallback {

    private static Boolean available;

    static synchronized boolean dockerAvailable() {
        if (available == null) {
            available = DockerClientFactory.instance().isDockerAvailable();
        }
        return available;
    }

    static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (inCi() || dockerAvailable()) {
            return ConditionEvaluationResult.enabled("Docker engine reachable, or CI=true (where these tests must run)");
        }
        return ConditionEvaluationResult.disabled("No Docker engine reachable (Testcontainers found none): the container "
                + "tests are skipped outside CI. Start Docker (dockerd, Docker Desktop, Colima) and run ./mvnw verify again; "
                + "the images are built by the build itself (docker/build-images.sh)");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!dockerAvailable()) {
            throw new IllegalStateException("CI=true but no Docker engine is reachable: .ci/run must install docker.io and "
                    + "start dockerd before the build");
        }
        TestImages.requirePresent(TestImages.PEER);
        TestImages.requirePresent(TestImages.WSCHAOS);
    }
}
