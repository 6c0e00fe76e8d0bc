package io.github.wschaos.diagnose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.cli.Main;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.fault.Target;
import io.github.wschaos.testing.JettyEchoServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code wschaos diagnose} on the command line: exit codes, usage errors naming the value, text and JSON. */
class DiagnoseCommandTest {

    /** Runs the command line, capturing standard output and error. */
    private static synchronized Result run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Result(code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private record Result(int code, String out, String err) {
    }

    @Test
    void healthyDirectEndpointExitsZero() {
        try (JettyEchoServer jetty = JettyEchoServer.start()) {
            Result result = run("diagnose", jetty.uri().toString(), "--origin", "https://app.example", "--header", "X-Trace:1", "--echo");
            assertThat(result.code()).as(result.out() + result.err()).isZero();
            assertThat(result.out()).contains("upgrade      passed   HTTP/1.1 101").contains("Diagnosis: healthy")
                    .contains("echo         passed   a short text message was echoed in").contains("16000 bytes in");
            assertThat(result.err()).contains("... TCP connect to 127.0.0.1:");
        }
    }

    @Test
    void healthyAsJsonWithHttpMappedToWs() {
        try (JettyEchoServer jetty = JettyEchoServer.start()) {
            String url = jetty.uri().toString().replace("ws://", "http://");
            Result result = run("diagnose", url, "--json");
            assertThat(result.code()).as(result.out()).isZero();
            assertThat(result.out()).startsWith("{\n  \"url\": \"ws://127.0.0.1:")
                    .contains("\"healthy\": true", "\"exitCode\": 0", "\"diagnosis\": null", "\"status\": \"passed\"",
                            "http:// mapped to ws://", "\"findings\": []\n}\n");
        }
    }

    @Test
    void refusedPortExitsOneAsJson() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Result result = run("diagnose", "ws://127.0.0.1:" + port + "/chat", "--json");
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.out()).contains("\"cause\": \"CONNECTION_REFUSED\"", "\"fault\": \"refuse\"",
                "\"annotation\": \"@RefuseConnections\"", "java.net.ConnectException: Connection refused");
    }

    /** A firewall that resets only WebSocket upgrades in front of Jetty: the one plain GET tells it from a refusal. */
    @Test
    void websocketsResetWhilePlainHttpPassesAsJsonAndText() {
        try (JettyEchoServer jetty = JettyEchoServer.start();
             ChaosProxy proxy = ChaosProxy.builder().upstream(jetty.uri()).start()) {
            proxy.inject(Faults.refuseConnections(), Target.upgrades());
            String url = proxy.uri(jetty.uri().getPath()).toString();
            Result json = run("diagnose", url, "--json", "--timeout", "2s");
            assertThat(json.code()).as(json.out()).isEqualTo(1);
            assertThat(json.out()).contains("\"cause\": \"WEBSOCKETS_FILTERED\"", "\"fault\": \"refuse@upgrades\"",
                    "\"annotation\": \"@RefuseConnections(upgradesOnly = true)\"", "(no Upgrade headers, new connection): HTTP/1.1 ");
            Result text = run("diagnose", url, "--timeout", "2s");
            assertThat(text.code()).isEqualTo(1);
            assertThat(text.out()).contains("Diagnosis: the WebSocket upgrade is dropped (or reset) while plain HTTP gets through")
                    .contains("java -jar wschaos.jar proxy --upstream ws://127.0.0.1:8080 --fault refuse@upgrades");
            assertThat(text.err()).contains("... the upgrade was reset: does a plain GET " + jetty.uri().getPath()
                    + " (no Upgrade headers) get an answer? ...");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ftp://example.com/x|'ftp://example.com/x' has scheme 'ftp'",
            "example.com/chat|'example.com/chat' has no scheme",
            "ws:///chat|'ws:///chat' has no host",
            "ws://127.0.0.1:1/x --timeout soon|--timeout 'soon'",
            "ws://127.0.0.1:1/x --idle -3s|--idle '-3s'",
            "ws://127.0.0.1:1/x --header NoColon|--header 'NoColon' is not NAME:VALUE",
            "ws://127.0.0.1:1/x --origin app.example|origin 'app.example' is not scheme://host[:port]",
            "ws://127.0.0.1:1/x --origin https|origin 'https' is not scheme://host[:port]"})
    void badArgumentsExitTwoNamingTheValue(String args, String message) {
        Result result = run(("diagnose " + args).split(" "));
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains(message);
        assertThat(result.out()).isEmpty();
    }

    @Test
    void theLibraryRejectsBadUrlsNamingTheValue() {
        assertThatThrownBy(() -> Diagnostics.builder("mailto:someone@example.com"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'mailto:someone@example.com'");
        assertThat(Endpoint.parse("https://example.com").uri()).hasToString("wss://example.com:443/");
        assertThat(Endpoint.parse("wss://example.com/chat?x=1#frag").notes()).contains("port 443 by default", "fragment #frag dropped");
        assertThat(Endpoint.parse("ws://example.com:8080/chat").hostHeader()).isEqualTo("example.com:8080");
    }
}
