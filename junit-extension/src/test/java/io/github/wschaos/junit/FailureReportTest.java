package io.github.wschaos.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.wschaos.junit.testing.Kit;
import io.github.wschaos.junit.testing.Ws;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.platform.engine.reporting.FileEntry;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/**
 * A failed test's connections are published as a report entry and a file; a passing test, or one aborted by a failed
 * assumption, publishes nothing.
 */
class FailureReportTest {

    @BeforeAll
    static void startEcho() {
        Echo.start();
    }

    @AfterAll
    static void stopEcho() {
        Echo.stop();
    }

    @Test
    void timelineOfAFailedTestIsAReportEntryAndAFile() throws Exception {
        EngineExecutionResults results = Kit.run(Failing.class);
        assertThat(Kit.failureMessages(results)).containsExactly("the client gave up");

        List<ReportEntry> entries = results.allEvents().reportingEntryPublished().stream()
                .map(event -> event.getRequiredPayload(ReportEntry.class)).toList();
        assertThat(entries).hasSize(1);
        String timeline = entries.get(0).getKeyValuePairs().get("wschaos.timeline");
        assertThat(timeline)
                .contains("during fails(URI)")
                .contains("from @RespondWithStatus on method io.github.wschaos.junit.FailureReportTest$Failing.fails(URI)")
                .containsPattern("(?m)^\\s+1 .*REJECTED 503")
                .containsPattern("(?m)^\\s+2 .*UPGRADED 101")
                .doesNotContain("passes");

        List<FileEntry> files = results.allEvents().fileEntryPublished().stream()
                .map(event -> event.getRequiredPayload(FileEntry.class)).toList();
        assertThat(files).hasSize(1);
        Path file = files.get(0).getPath();
        assertThat(file.getFileName()).hasToString("wschaos-timeline.txt");
        assertThat(Files.readString(file)).isEqualTo(timeline);
    }

    @Test
    void aFailedDynamicTestPublishesTheTimelineOfItsFactory() throws Exception {
        EngineExecutionResults results = Kit.run(FailingDynamic.class);
        assertThat(Kit.failureMessages(results)).containsExactly("d2 gave up");

        List<Event> entries = results.allEvents().reportingEntryPublished().list();
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).getTestDescriptor().getDisplayName()).isEqualTo("d2");
        String timeline = entries.get(0).getRequiredPayload(ReportEntry.class).getKeyValuePairs().get("wschaos.timeline");
        assertThat(timeline)
                .contains("during d2")
                .contains("share one reset")
                .containsPattern("(?m)^\\s+1 .*REJECTED 503")
                .containsPattern("(?m)^\\s+2 .*UPGRADED 101");

        List<FileEntry> files = results.allEvents().fileEntryPublished().stream()
                .map(event -> event.getRequiredPayload(FileEntry.class)).toList();
        assertThat(files).hasSize(1);
        assertThat(Files.readString(files.get(0).getPath())).isEqualTo(timeline);
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    static class FailingDynamic {
        @TestFactory
        @RespondWithStatus(value = 503, attempts = "1")
        Stream<DynamicTest> factory(@ChaosProxyUri URI uri) {
            return Stream.of(
                    DynamicTest.dynamicTest("d1", () -> assertThat(Ws.handshake(uri)).isEqualTo("503")),
                    DynamicTest.dynamicTest("d2", () -> {
                        assertThat(Ws.handshake(uri)).isEqualTo("101");
                        fail("d2 gave up");
                    }));
        }
    }

    @Test
    void aProxyWithoutAnUpstreamIsReportedSoNotWithThePlaceholderItStartsWith() {
        EngineExecutionResults results = Kit.run(NoUpstreamYet.class);
        assertThat(Kit.failureMessages(results)).singleElement().asString().startsWith("No upstream for the proxy");

        String timeline = results.allEvents().reportingEntryPublished().list().get(0)
                .getRequiredPayload(ReportEntry.class).getKeyValuePairs().get("wschaos.timeline");
        assertThat(timeline).containsPattern("Connections through ChaosProxy ws://127\\.0\\.0\\.1:\\d+/ \\(no upstream set\\)")
                .doesNotContain("127.0.0.1:1/");
    }

    @WebSocketChaos
    static class NoUpstreamYet {
        @Test
        void test() {
        }
    }

    @Test
    void anAbortedTestPublishesNothing() {
        EngineExecutionResults results = Kit.run(Aborted.class);
        assertThat(results.testEvents().aborted().count()).isEqualTo(1);
        assertThat(Kit.failures(results)).isEmpty();
        assertThat(results.allEvents().reportingEntryPublished().count()).as("report entries").isZero();
        assertThat(results.allEvents().fileEntryPublished().count()).as("published files").isZero();
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    static class Aborted {
        @Test
        void abortsOnAFailedAssumption(@ChaosProxyUri URI uri) {
            assertThat(Ws.handshake(uri)).isEqualTo("101");
            Assumptions.assumeTrue(false, "not on this machine");
        }
    }

    @WebSocketChaos(upstream = Echo.UPSTREAM)
    static class Failing {
        @Test
        @RespondWithStatus(value = 503, attempts = "1")
        void fails(@ChaosProxyUri URI uri) {
            assertThat(List.of(Ws.handshake(uri), Ws.handshake(uri))).containsExactly("503", "101");
            fail("the client gave up");
        }

        @Test
        void passes(@ChaosProxyUri URI uri) {
            assertThat(Ws.handshake(uri)).isEqualTo("101");
        }
    }
}
