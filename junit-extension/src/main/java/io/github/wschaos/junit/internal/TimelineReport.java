package io.github.wschaos.junit.internal;

import io.github.wschaos.ChaosProxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.MediaType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Publishes the timeline of a failed test's connections: a report entry, a file (JUnit 5.12+) and a log line. */
final class TimelineReport {

    /** The report entry's key. */
    static final String ENTRY = "wschaos.timeline";
    /** The published file's name. */
    static final String FILE = "wschaos-timeline.txt";

    private static final Logger LOG = LoggerFactory.getLogger("io.github.wschaos.junit");

    private TimelineReport() {
    }

    /**
     * Logs the timeline of the test {@code context} stands for and publishes it as a report entry and a file.
     *
     * @param note a line after the heading (what the recording spans when that is not obvious), or null
     */
    static void publish(ExtensionContext context, ProxyHolder holder, List<String> armed, String note) {
        ChaosProxy proxy = holder.proxy();
        String nl = System.lineSeparator();
        // Not the placeholder the proxy starts with when no upstream is declared (port 1), which reads as configured.
        String through = holder.upstreamMissing() ? "ChaosProxy " + proxy.uri() + " (no upstream set)" : proxy.toString();
        StringBuilder text = new StringBuilder("Connections through ").append(through).append(" during ")
                .append(context.getDisplayName()).append(" (").append(context.getUniqueId()).append(')').append(nl);
        if (note != null) {
            text.append('(').append(note).append(')').append(nl);
        }
        if (!armed.isEmpty()) {
            text.append("Faults armed by annotations:").append(nl);
            armed.forEach(fault -> text.append("  ").append(fault).append(nl));
        }
        text.append(proxy.recording().timeline());
        String report = text.toString();
        LOG.warn("{} failed; {}", context.getDisplayName(), report);
        context.publishReportEntry(ENTRY, report);
        publishFile(context, report);
    }

    @SuppressWarnings("deprecation") // extension.MediaType: the one type both JUnit 5.12+ and JUnit 6 accept
    private static void publishFile(ExtensionContext context, String report) {
        try {
            context.publishFile(FILE, MediaType.TEXT_PLAIN_UTF_8,
                    path -> Files.writeString(path, report, StandardCharsets.UTF_8));
        } catch (LinkageError e) {
            LOG.debug("JUnit before 5.12 cannot publish files; the timeline is in the report entry {}", ENTRY);
        } catch (RuntimeException e) {
            LOG.debug("Could not publish {}: {}", FILE, e.toString());
        }
    }
}
