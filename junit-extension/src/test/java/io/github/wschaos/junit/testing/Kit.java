package io.github.wschaos.junit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.platform.engine.OutputDirectoryCreator;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** Runs fixture classes through the Jupiter engine, the way JUnit tests its own extensions. */
public final class Kit {

    private static final Path OUTPUT = Path.of("target", "kit-output");

    private Kit() {
    }

    /** Runs {@code classes} sequentially. */
    public static EngineExecutionResults run(Class<?>... classes) {
        return run(Map.of(), classes);
    }

    /** Runs {@code classes} with extra configuration parameters. */
    public static EngineExecutionResults run(Map<String, String> configuration, Class<?>... classes) {
        ClassSelector[] selectors = Arrays.stream(classes).map(c -> selectClass(c)).toArray(ClassSelector[]::new);
        Path root;
        try {
            Files.createDirectories(OUTPUT);
            root = Files.createTempDirectory(OUTPUT, "run");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return EngineTestKit.engine("junit-jupiter").configurationParameters(configuration).selectors(selectors)
                .outputDirectoryCreator(new OutputDirectoryCreator() {
                    @Override
                    public Path getRootDirectory() {
                        return root;
                    }

                    @Override
                    public Path createOutputDirectory(TestDescriptor descriptor) throws IOException {
                        return Files.createDirectories(root.resolve(descriptor.getUniqueId().toString().replaceAll("[^A-Za-z0-9.-]", "_")));
                    }
                })
                .execute();
    }

    /** Runs {@code classes} and fails, listing every failure, unless exactly {@code tests} tests ran and all passed. */
    public static EngineExecutionResults runPassing(int tests, Class<?>... classes) {
        return passing(tests, run(classes));
    }

    /** Fails, listing every failure, unless exactly {@code tests} tests ran and all passed. */
    public static EngineExecutionResults passing(int tests, EngineExecutionResults results) {
        List<String> failures = failures(results);
        long succeeded = results.testEvents().succeeded().count();
        if (!failures.isEmpty() || succeeded != tests) {
            throw new AssertionError("expected " + tests + " passing tests, " + succeeded + " passed; failures:\n"
                    + String.join("\n", failures));
        }
        return results;
    }

    /** Every failed test or container as {@code "display name: message"}. */
    public static List<String> failures(EngineExecutionResults results) {
        return results.allEvents().failed().stream().map(Kit::describe).collect(Collectors.toList());
    }

    /** The failure messages of failed tests and containers. */
    public static List<String> failureMessages(EngineExecutionResults results) {
        return results.allEvents().failed().stream()
                .map(event -> event.getRequiredPayload(TestExecutionResult.class).getThrowable().map(Throwable::getMessage)
                        .orElse("(no throwable)"))
                .collect(Collectors.toList());
    }

    /** Runs {@code fixture} and returns the message of its one failure; fails if it did not fail exactly once. */
    public static String onlyFailureOf(Class<?> fixture) {
        List<String> messages = failureMessages(run(fixture));
        assertThat(messages).as("failures of " + fixture.getSimpleName()).hasSize(1);
        return messages.get(0);
    }

    private static String describe(Event event) {
        return event.getTestDescriptor().getDisplayName() + ": " + event.getRequiredPayload(TestExecutionResult.class)
                .getThrowable().map(Throwable::toString).orElse("(no throwable)");
    }
}
