package io.github.wschaos.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.testing.RawUpstream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The {@code --echo} step against servers scripted byte by byte: how the echo is read (fragments joined, control
 * frames between them) and what its times say.
 */
class EchoStepTest {

    /** What the scripted server does with one text message from the client. */
    @FunctionalInterface
    private interface Echo {
        void echo(RawUpstream.Connection connection, byte[] text) throws IOException;
    }

    /** A WebSocket server that answers pings and closes, and hands each text message to {@code echo}. */
    private static RawUpstream server(Echo echo) throws IOException {
        return RawUpstream.start(connection -> {
            String head = connection.readHead();
            if (head == null) {
                return;
            }
            connection.write(RawServerSide.switchingProtocols(head, ""));
            RawServerSide.ClientFrame frame;
            while ((frame = RawServerSide.read(connection)) != null) {
                switch (frame.opcode()) {
                    case 0x9 -> connection.write(RawServerSide.frame(true, 0xA, frame.payload()));
                    case 0x1 -> echo.echo(connection, frame.payload());
                    case 0x8 -> {
                        connection.write(RawServerSide.frame(true, 0x8, frame.payload()));
                        return;
                    }
                    default -> {
                        // the client's pongs
                    }
                }
            }
        });
    }

    /**
     * Tomcat's echo sends a 16,000-byte text message as a text frame of 8,192 bytes without FIN and a continuation
     * frame; a server may send a ping between the two, which a client answers and skips. The echo is the joined
     * message, not "a thin link".
     */
    @Test
    void aFragmentedEchoWithAPingBetweenIsJoined() throws IOException {
        try (RawUpstream tomcat = server((connection, text) -> {
            if (text.length <= 8192) {
                connection.write(RawServerSide.frame(true, 0x1, text));
                return;
            }
            connection.write(RawServerSide.frame(false, 0x1, Arrays.copyOfRange(text, 0, 8192)),
                    RawServerSide.frame(true, 0x9, "between".getBytes(StandardCharsets.US_ASCII)),
                    RawServerSide.frame(true, 0x0, Arrays.copyOfRange(text, 8192, text.length)));
        })) {
            DiagnosisReport report = Diagnostics.builder(tomcat.uri().resolve("/echo")).timeout(Duration.ofSeconds(3)).echo().run();

            assertThat(report.healthy()).as(report.toText()).isTrue();
            assertThat(report.check("echo").evidence()).as(report.toText())
                    .startsWith("a short text message was echoed in ").contains("; 16000 bytes in ");
        }
    }

    /**
     * A short echo held up for 300 ms and a large one echoed at once: the large echo is faster, the difference of the
     * two times says nothing about throughput, and no rate is printed (it was "16000000000 KB/s").
     */
    @Test
    void aLargeEchoFasterThanTheShortOneGivesNoRate() throws IOException {
        try (RawUpstream server = server((connection, text) -> {
            if (text.length < 100) {
                connection.readByte(Duration.ofMillis(300));
            }
            connection.write(RawServerSide.frame(true, 0x1, text));
        })) {
            DiagnosisReport report = Diagnostics.builder(server.uri().resolve("/echo")).timeout(Duration.ofSeconds(3)).echo().run();

            assertThat(report.healthy()).as(report.toText()).isTrue();
            assertThat(report.check("echo").evidence()).as(report.toText())
                    .contains("; 16000 bytes in ").contains("no throughput measurable").doesNotContain("KB/s");
        }
    }
}
