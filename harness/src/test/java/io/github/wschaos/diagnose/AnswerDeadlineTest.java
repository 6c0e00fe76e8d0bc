package io.github.wschaos.diagnose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.wschaos.testing.RawUpstream;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code --timeout} bounds each wait as a whole, not each read: an answer that trickles in a byte at a time is not
 * waited for beyond it, and what arrived before it is the evidence.
 */
class AnswerDeadlineTest {

    /** Writes {@code bytes} one at a time, {@code every} apart, until the client goes away. */
    private static void trickle(RawUpstream.Connection connection, byte[] bytes, Duration every) throws IOException {
        for (byte b : bytes) {
            connection.write(new byte[] {b});
            if (connection.readByte(every) == -1) {
                return;
            }
        }
    }

    @Test
    void aTrickledHeadIsReportedAsWhatCameBeforeTheTimeout() throws Exception {
        try (RawUpstream trickling = RawUpstream.start(connection -> {
            String head = connection.readHead();
            trickle(connection, RawServerSide.switchingProtocols(head, ""), Duration.ofMillis(200));
        })) {
            // The head is 130 bytes: 26 s at this pace, far beyond the 2 s timeout.
            DiagnosisReport report = assertTimeoutPreemptively(Duration.ofSeconds(15),
                    () -> Diagnostics.builder(trickling.uri().resolve("/chat")).timeout(Duration.ofSeconds(2)).run());

            assertThat(report.cause()).as(report.toText()).contains(Cause.NO_ANSWER);
            assertThat(report.check("upgrade").evidence()).as(report.toText())
                    .startsWith("request sent; ").contains("bytes of a status line ('HTTP/")
                    .contains("still coming a few bytes at a time when the timeout of 2000 ms passed");
            Reproduction reproduction = report.diagnosis().orElseThrow().reproduction();
            assertThat(reproduction.cliFault()).as(report.toText()).matches("slicer=1:0:[1-4]00ms");
            assertThat(report.check("upgrade").took()).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void aStatusLineThenAStallIsNamed() throws Exception {
        try (RawUpstream stalling = RawUpstream.start(connection -> {
            connection.readHead();
            connection.write(RawUpstream.ascii("HTTP/1.1 101 Switching Protocols\r\n"));
            connection.readToEnd();
        })) {
            DiagnosisReport report = assertTimeoutPreemptively(Duration.ofSeconds(15),
                    () -> Diagnostics.builder(stalling.uri().resolve("/chat")).timeout(Duration.ofSeconds(1)).run());

            assertThat(report.cause()).as(report.toText()).contains(Cause.NO_ANSWER);
            assertThat(report.check("upgrade").evidence()).as(report.toText())
                    .isEqualTo("request sent; the status line 'HTTP/1.1 101 Switching Protocols', then nothing more within"
                            + " the timeout of 1000 ms (TCP still open)");
            assertThat(report.check("TLS").evidence()).isEqualTo("none expected (ws://); the port answers plain HTTP");
            assertThat(report.diagnosis().orElseThrow().reproduction()).as(report.toText()).isNull();
            assertThat(report.toText()).contains("No wschaos fault sends part of an answer and then holds the rest");
        }
    }

    /** A 403 whose body trickles in: the body is kept as far as it came within the timeout, every variant alike. */
    @Test
    void aTrickledBodyIsCutAtTheTimeout() throws Exception {
        try (RawUpstream trickling = RawUpstream.start(connection -> {
            connection.readHead();
            connection.write(RawUpstream.ascii("HTTP/1.1 403 Forbidden\r\nContent-Length: 100000\r\nContent-Type: text/html\r\n\r\n"));
            trickle(connection, "x".repeat(100_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII), Duration.ofMillis(100));
        })) {
            // Up to 4 KiB at this pace was 410 s for each of the handshakes asked.
            DiagnosisReport report = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> Diagnostics.builder(trickling.uri().resolve("/chat")).timeout(Duration.ofSeconds(1)).run());

            assertThat(report.check("upgrade").evidence()).as(report.toText())
                    .startsWith("HTTP/1.1 403 Forbidden in ").contains("\nbody: x");
            assertThat(report.cause()).as(report.toText()).contains(Cause.FORBIDDEN);
        }
    }
}
