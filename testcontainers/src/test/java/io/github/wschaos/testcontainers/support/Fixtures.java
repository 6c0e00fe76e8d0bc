package io.github.wschaos.testcontainers.support;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** Runs a fixture class through the Jupiter engine, the way JUnit tests extensions. */
public final class Fixtures {

    private Fixtures() {
    }

    /** The messages of every failure (tests and containers) when running {@code fixture}. */
    public static List<String> failureMessages(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute().allEvents().failed()
                .stream()
                .map(Event::getPayload)
                .flatMap(payload -> payload.stream())
                .filter(TestExecutionResult.class::isInstance)
                .map(result -> ((TestExecutionResult) result).getThrowable().map(Throwable::getMessage).orElse("(none)"))
                .toList();
    }
}
