package io.github.wschaos.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.testing.RawUpstream;
import java.io.IOException;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@code 101} is checked as RFC 6455 (section 4.1) has a client check it, and as the clients that are stricter
 * still check it: each header that is missing or wrong is named, and a {@code 101} some clients fail is a finding
 * that names them. The servers are scripted byte by byte: a proxy or server that rewrites its {@code 101}.
 */
class Handshake101Test {

    /**
     * A WebSocket server whose valid {@code 101} (with {@code Sec-WebSocket-Protocol: chat} when one was asked for)
     * goes through {@code rewrite}; it answers pings and closes after it.
     */
    private static RawUpstream server(UnaryOperator<String> rewrite) throws IOException {
        return RawUpstream.start(connection -> {
            String head = connection.readHead();
            if (head == null) {
                return;
            }
            String protocol = head.toLowerCase(java.util.Locale.ROOT).contains("sec-websocket-protocol:")
                    ? "Sec-WebSocket-Protocol: chat\r\n" : "";
            byte[] valid = RawServerSide.switchingProtocols(head, protocol);
            connection.write(RawUpstream.ascii(rewrite.apply(new String(valid, java.nio.charset.StandardCharsets.ISO_8859_1))));
            RawServerSide.ClientFrame frame;
            while ((frame = RawServerSide.read(connection)) != null) {
                if (frame.opcode() == 0x9) {
                    connection.write(RawServerSide.frame(true, 0xA, frame.payload()));
                } else if (frame.opcode() == 0x8) {
                    connection.write(RawServerSide.frame(true, 0x8, frame.payload()));
                    return;
                }
            }
        });
    }

    private static DiagnosisReport diagnose(RawUpstream server, String protocol) {
        Diagnostics.Builder builder = Diagnostics.builder(server.uri().resolve("/chat")).timeout(Duration.ofSeconds(3));
        if (!protocol.isEmpty()) {
            builder.header("Sec-WebSocket-Protocol", protocol);
        }
        return builder.run();
    }

    /** A case: how the valid 101 is rewritten, the subprotocol offered ("" for none), the evidence and the clients named. */
    private record Case(UnaryOperator<String> rewrite, String offered, String evidence, String clients) {
    }

    private static Case rfcCase(String name) {
        return switch (name) {
            case "no Connection" -> new Case(head -> head.replace("Connection: Upgrade\r\n", ""), "",
                    "no Connection header (RFC 6455 wants Connection: Upgrade)",
                    "Node ws, Python websockets and the JDK's HttpClient fail the connection");
            case "no Upgrade" -> new Case(head -> head.replace("Upgrade: websocket\r\n", ""), "",
                    "no Upgrade header (RFC 6455 wants Upgrade: websocket)", "clients fail the connection");
            case "another subprotocol" -> new Case(head -> head.replace("Sec-WebSocket-Protocol: chat", "Sec-WebSocket-Protocol: other"),
                    "chat", "Sec-WebSocket-Protocol: other, not offered (the request offered chat)",
                    "Node ws, Python websockets and the JDK's HttpClient fail the connection");
            case "an extension" -> new Case(head -> head.replace("\r\n\r\n", "\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n"),
                    "", "Sec-WebSocket-Extensions: permessage-deflate, not offered (the request offered none)",
                    "fails the connection (the JDK's HttpClient, which offers no extension)");
            case "no subprotocol" -> new Case(head -> head.replace("Sec-WebSocket-Protocol: chat\r\n", ""), "chat",
                    "no Sec-WebSocket-Protocol header though the request offered chat",
                    "Node ws fails the connection (\"Server sent no subprotocol\")");
            case "HTTP/1.0" -> new Case(head -> head.replace("HTTP/1.1 101", "HTTP/1.0 101"), "",
                    "the status line is HTTP/1.0, not HTTP/1.1 (RFC 6455's server answers HTTP/1.1 101)",
                    "Python websockets fails the connection");
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** Missing headers, or a subprotocol or extension not offered: every client RFC 6455 guides fails the connection. */
    @ParameterizedTest
    @ValueSource(strings = {"no Connection", "no Upgrade", "another subprotocol", "an extension"})
    void a101ThatRfc6455HasClientsFailNamesWhatIsWrong(String name) throws IOException {
        Case wrong = rfcCase(name);
        try (RawUpstream server = server(wrong.rewrite())) {
            DiagnosisReport report = diagnose(server, wrong.offered());

            assertThat(report.cause()).as(report.toText()).contains(Cause.NOT_A_WEBSOCKET_ANSWER);
            assertThat(report.check("upgrade").evidence()).as(report.toText()).endsWith("\n" + wrong.evidence())
                    .doesNotContain("Sec-WebSocket-Accept: ");
            Finding finding = report.diagnosis().orElseThrow();
            assertThat(finding.explanation()).as(report.toText()).contains(wrong.evidence() + ": ").contains(wrong.clients())
                    .doesNotContain("Incorrect 'Sec-WebSocket-Accept'");
            assertThat(finding.reproduction()).isNull();
            assertThat(report.toText()).contains("No wschaos fault rewrites a 101's headers");
            assertThat(report.check("ping").status()).isEqualTo(CheckStatus.SKIPPED);
        }
    }

    /** A 101 some clients fail and others accept: a finding that names them, and the steps after it go on. */
    @ParameterizedTest
    @ValueSource(strings = {"no subprotocol", "HTTP/1.0"})
    void a101SomeClientsFailIsAFindingNamingThem(String name) throws IOException {
        Case wrong = rfcCase(name);
        try (RawUpstream server = server(wrong.rewrite())) {
            DiagnosisReport report = diagnose(server, wrong.offered());

            assertThat(report.cause()).as(report.toText()).contains(Cause.SOME_CLIENTS_REJECT_101);
            assertThat(report.exitCode()).isEqualTo(1);
            assertThat(report.check("upgrade").status()).isEqualTo(CheckStatus.FAILED);
            assertThat(report.check("upgrade").evidence()).as(report.toText()).contains("\nSec-WebSocket-Accept valid\n")
                    .endsWith("\n" + wrong.evidence());
            assertThat(report.diagnosis().orElseThrow().explanation()).as(report.toText()).contains(wrong.evidence() + ": ")
                    .contains(wrong.clients());
            assertThat(report.check("ping").status()).as(report.toText()).isEqualTo(CheckStatus.PASSED);
        }
    }
}
