package io.github.wschaos.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.NettyEchoServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code wschaos server --api 127.0.0.1:0} as a child process, driven over plain HTTP as a script in another
 * language would drive Toxiproxy: create a proxy, add toxics, read the recording, reset, delete.
 */
class StandaloneServerTest {

    private static final Pattern LISTENING = Pattern.compile("listening: (http://\\S+)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private NettyEchoServer upstream;
    private Process process;
    private URI api;

    @BeforeEach
    void start() throws Exception {
        upstream = NettyEchoServer.start();
        String java = ProcessHandle.current().info().command().orElse("java");
        process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "io.github.wschaos.cli.Main", "server", "--api", "127.0.0.1:0", "--seed", "7"))
                .redirectErrorStream(true).start();
        CompletableFuture<URI> reported = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    Matcher matcher = LISTENING.matcher(line);
                    if (matcher.find()) {
                        reported.complete(URI.create(matcher.group(1)));
                    }
                }
                reported.completeExceptionally(new IllegalStateException("server exited before listening"));
            } catch (Exception e) {
                reported.completeExceptionally(e);
            }
        }, "server-stdout");
        reader.setDaemon(true);
        reader.start();
        api = reported.get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("server ended after SIGTERM").isTrue();
        } finally {
            process.destroyForcibly(); // a server that hung on SIGTERM fails the test above, and is not left running
            upstream.close();
        }
    }

    @Test
    void aScriptDrivesTheServerOverHttp() throws Exception {
        assertThat(send("GET", "/version", null).body()).isEqualTo("{\"version\": \"2.12.0\", \"wschaos\": \"0.1.0\"}\n");

        HttpResponse<String> created = send("POST", "/proxies", "{\"name\":\"echo\",\"listen\":\"127.0.0.1:0\","
                + "\"upstream\":\"" + upstream.uri() + "\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode proxy = ProxyCollection.MAPPER.readTree(created.body());
        assertThat(proxy.get("enabled").asBoolean()).isTrue();
        assertThat(proxy.get("toxics").size()).isZero();
        URI ws = URI.create("ws://" + proxy.get("listen").asText() + "/echo");

        HttpResponse<String> toxic = send("POST", "/proxies/echo/toxics",
                "{\"type\":\"latency\",\"stream\":\"downstream\",\"attributes\":{\"latency\":300}}");
        assertThat(toxic.statusCode()).isEqualTo(200);
        assertThat(toxic.body()).isEqualTo("{\"attributes\":{\"latency\":300,\"jitter\":0},\"name\":\"latency_downstream\","
                + "\"type\":\"latency\",\"stream\":\"downstream\",\"toxicity\":1}");
        try (JdkWebSocketClient client = JdkWebSocketClient.connect(ws)) {
            long start = System.nanoTime();
            client.send("slow");
            await().atMost(10, TimeUnit.SECONDS).until(() -> client.messages().contains("slow"));
            // Tolerance: at least the 300 ms latency.
            assertThat(Duration.ofNanos(client.lastMessageNanos() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }

        assertThat(send("POST", "/reset", "").statusCode()).isEqualTo(204);
        assertThat(send("GET", "/proxies/echo/toxics", null).body()).isEqualTo("[]");

        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
            JsonNode recording = ProxyCollection.MAPPER.readTree(send("GET", "/proxies/echo/recording", null).body());
            assertThat(recording.get("attempts").asInt()).isEqualTo(1);
            JsonNode attempt = recording.get("connections").get(0);
            assertThat(attempt.get("outcome").asText()).isEqualTo("UPGRADED");
            assertThat(attempt.get("status").asInt()).isEqualTo(101);
            assertThat(attempt.get("target").asText()).isEqualTo("/echo");
            assertThat(attempt.get("faults").get(0).asText()).isEqualTo("latency");
            assertThat(attempt.get("upstream_to_client").get("messages").asInt()).isEqualTo(1);
            assertThat(attempt.get("close").get("closer").asText()).isEqualTo("client");
        });

        assertThat(send("DELETE", "/proxies/echo", null).statusCode()).isEqualTo(204);
        assertThat(send("GET", "/proxies", null).body()).isEqualTo("{}");
        HttpResponse<String> missing = send("GET", "/proxies/echo", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("{\"error\":\"proxy not found: echo\",\"status\":404}\n");
    }

    @Test
    void aNodeScriptCreatesATlsProxyAndTrustsItWithTheFetchedCertificate() throws Exception {
        Path script = Files.createTempFile("wschaos-tls-proxy-client-", ".js");
        try {
            try (InputStream in = StandaloneServerTest.class.getResourceAsStream("tls-proxy-client.js")) {
                Files.copy(java.util.Objects.requireNonNull(in, "tls-proxy-client.js"), script, StandardCopyOption.REPLACE_EXISTING);
            }
            ProcessBuilder builder = new ProcessBuilder(System.getProperty("wschaos.node", "node"), script.toString(),
                    api.toString(), "127.0.0.1:" + upstream.uri().getPort()).redirectErrorStream(true);
            String nodePath = System.getenv("NODE_PATH");
            builder.environment().put("NODE_PATH", nodePath == null || nodePath.isEmpty()
                    ? "/usr/share/nodejs" : nodePath + java.io.File.pathSeparator + "/usr/share/nodejs");
            Process node = builder.start();
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = node.getInputStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(node.waitFor(30, TimeUnit.SECONDS)).as("node script ended").isTrue();
            String lines = output.get(5, TimeUnit.SECONDS);
            assertThat(node.exitValue()).as(lines).isZero();
            assertThat(lines).as(lines).contains("CREATED 201 tls=true\n", "ECHO hello from node\n");
            // Node's default trust does not know the server's authority; the exact code depends on the chain shape.
            assertThat(lines).as(lines).containsPattern("UNTRUSTED (SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE"
                    + "|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|DEPTH_ZERO_SELF_SIGNED_CERT)");
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
