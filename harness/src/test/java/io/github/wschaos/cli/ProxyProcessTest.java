package io.github.wschaos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.NettyEchoServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code wschaos proxy} as a user runs it: a process of its own that prints the URI to connect to, then one line per
 * connection event, and on Ctrl-C (SIGINT) closes the proxy and ends without an error.
 */
class ProxyProcessTest {

    private static final Pattern LISTENING = Pattern.compile("wschaos proxy listening: (ws://\\S+) -> ");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private NettyEchoServer upstream;
    private Process process;

    @BeforeEach
    void start() throws Exception {
        upstream = NettyEchoServer.start();
        String java = ProcessHandle.current().info().command().orElse("java");
        process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "io.github.wschaos.cli.Main", "proxy", "--upstream", upstream.uri().toString(),
                "--listen", "127.0.0.1:0", "--fault", "blackhole@upgrades"))
                .redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (Exception ignored) {
                // the process ended
            }
        }, "proxy-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    @AfterEach
    void stop() {
        process.destroyForcibly();
        upstream.close();
    }

    @Test
    void printsTheUriThenEachConnectionEventAndEndsCleanlyOnCtrlC() throws Exception {
        await().atMost(WAIT).until(() -> lines.stream().anyMatch(line -> LISTENING.matcher(line).find()));
        String listening = lines.stream().filter(line -> LISTENING.matcher(line).find()).findFirst().orElseThrow();
        assertThat(listening).endsWith(" with [blackhole@upgrades]");
        Matcher matcher = LISTENING.matcher(listening);
        assertThat(matcher.find()).isTrue();
        URI proxy = URI.create(matcher.group(1));

        // The armed fault swallows the upgrade: the client's handshake times out, and the events say so.
        Throwable failure = JdkWebSocketClient.handshakeFailure(proxy, null, Duration.ofMillis(500), null);
        assertThat(failure).isNotNull();
        await().atMost(WAIT).untilAsserted(() -> assertThat(lines)
                .anyMatch(line -> line.startsWith("ACCEPTED "))
                .anyMatch(line -> line.startsWith("CLOSED ") && line.contains("TIMED_OUT")));

        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
        assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("exited after SIGINT").isTrue();
        // A JVM ended by SIGINT exits with 128 + 2 once its shutdown hooks (closing the proxy) have run.
        assertThat(process.exitValue()).isEqualTo(130);
        assertThat(lines).noneMatch(line -> line.contains("Exception"));
    }
}
