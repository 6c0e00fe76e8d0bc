package io.github.wschaos.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.NettyEchoServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every bad input the API meets gets Toxiproxy's status code and an error body in Toxiproxy's shape
 * ({@code {"error":"...","status":N}}) naming the value at fault; after each, the server keeps serving and the proxy
 * it already had keeps relaying.
 */
class ApiBadInputTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private NettyEchoServer upstream;
    private ChaosServer server;
    private String listen;

    @BeforeEach
    void start() throws Exception {
        upstream = NettyEchoServer.start();
        server = ChaosServer.builder().port(0).start();
        HttpResponse<String> created = call("POST", "/proxies",
                "{\"name\":\"echo\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:" + upstream.uri().getPort() + "\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        listen = created.body().replaceAll(".*\"listen\":\"([^\"]+)\".*", "$1");
    }

    @AfterEach
    void stop() throws Exception {
        // Whatever came before, the API still answers and the proxy still relays.
        assertThat(call("GET", "/version", null).statusCode()).isEqualTo(200);
        try (JdkWebSocketClient ws = JdkWebSocketClient.connect(URI.create("ws://" + listen + "/echo"))) {
            ws.send("still relaying");
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> ws.messages().contains("still relaying"));
        }
        server.close();
        upstream.close();
    }

    @Test
    void unknownToxicType() throws Exception {
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"latencyy\",\"attributes\":{\"latency\":1}}"), 400,
                "invalid toxic type: \\\"latencyy\\\"; accepted are latency, bandwidth, slow_close, timeout, reset_peer, "
                        + "slicer, limit_data, noop, strip_upgrade_headers, drop_idle, tls_mismatch, reject_origins, refuse, "
                        + "blackhole, delay_handshake, respond_with_status, close_with_code, reset, swallow_pings, half_open");
        expect(call("POST", "/proxies/echo/toxics", "{\"attributes\":{}}"), 400, "invalid toxic type: \\\"\\\"; accepted are ",
                true);
    }

    @Test
    void unknownAttribute() throws Exception {
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"latency\",\"attributes\":{\"latncy\":100}}"), 400,
                "bad request body: unknown attribute \\\"latncy\\\" for toxic type latency; accepted are latency, jitter");
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"strip_upgrade_headers\",\"attributes\":{\"x\":1}}"), 400,
                "bad request body: unknown attribute \\\"x\\\" for toxic type strip_upgrade_headers; accepted are none");
    }

    @Test
    void wrongJsonTypes() throws Exception {
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"latency\",\"attributes\":{\"latency\":\"100ms\"}}"), 400,
                "bad request body: attribute \\\"latency\\\" of toxic type latency must be an integer, got \\\"100ms\\\"");
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"latency\",\"attributes\":{\"latency\":1.5}}"), 400,
                "bad request body: attribute \\\"latency\\\" of toxic type latency must be an integer, got 1.5");
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"reject_origins\",\"attributes\":{\"allowed\":5}}"),
                400, "bad request body: attribute \\\"allowed\\\" of toxic type reject_origins must be an array of strings, "
                        + "got 5");
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"latency\",\"toxicity\":\"0.5\"}"), 400,
                "bad request body: \\\"toxicity\\\" must be a number from 0 to 1, got \\\"0.5\\\" (a string)");
        expect(call("POST", "/proxies", "{\"name\":5,\"upstream\":\"127.0.0.1:1\"}"), 400,
                "bad request body: \\\"name\\\" must be a string, got 5 (a number)");
        expect(call("POST", "/proxies/echo", "{\"enabled\":\"no\"}"), 400,
                "bad request body: \\\"enabled\\\" must be true or false, got \\\"no\\\" (a string)");
        expect(call("POST", "/proxies", "[1]"), 400, "bad request body: expected a JSON object, got an array");
        expect(call("POST", "/proxies", "{\"name\":"), 400, "bad request body: invalid JSON: ", true);
        expect(call("POST", "/proxies", ""), 400, "bad request body: EOF");
    }

    @Test
    void valuesOutOfRangeNameTheValue() throws Exception {
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"latency\",\"attributes\":{\"latency\":-5}}"), 400,
                "bad request body: latency: latency -5ms must be zero or positive, e.g. 500ms");
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"latency\",\"toxicity\":1.5}"), 400,
                "bad request body: \\\"toxicity\\\" 1.5 is outside 0..1");
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"close_with_code\"}"), 400,
                "missing required field: attributes.code for toxic type close_with_code (close code)");
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"latency\",\"stream\":\"sideways\"}"), 400,
                "stream was invalid, can be either upstream or downstream: \\\"sideways\\\"");
        expect(call("POST", "/proxies", "{\"name\":\"bad\",\"upstream\":\"http://127.0.0.1:1\"}"), 400,
                "bad request body: upstream \\\"http://127.0.0.1:1\\\" is not host:port, ws://host:port[/path] or "
                        + "wss://host:port[/path]");
        expect(call("POST", "/proxies", "{\"name\":\"bad\",\"upstream\":\"nohostport\"}"), 400,
                "bad request body: upstream \\\"nohostport\\\" is not host:port, ws://host:port[/path] or "
                        + "wss://host:port[/path]");
        expect(call("POST", "/proxies", "{\"name\":\"bad\",\"listen\":\"10.1.2.3:0\",\"upstream\":\"127.0.0.1:1\"}"), 400,
                "bad request body: listen \\\"10.1.2.3:0\\\" is not a loopback address; this server binds proxies to "
                        + "loopback only unless started with allowNonLoopback() (--allow-non-loopback)");
    }

    @Test
    void badAttributesOfTheConnectionLevelWebSocketToxics() throws Exception {
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"tls_mismatch\",\"attributes\":{\"mode\":\"tls\"}}"), 400,
                "bad request body: tls_mismatch: mode \\\"tls\\\" is not one of plain_listener, tls_listener, "
                        + "untrusted_certificate, expired_certificate, wrong_host_certificate, no_common_protocol");
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"tls_mismatch\",\"attributes\":{\"mode\":[1]}}"), 400,
                "bad request body: attribute \\\"mode\\\" of toxic type tls_mismatch must be a string, got [1]");
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"tls_mismatch\"}"), 400,
                "missing required field: attributes.mode for toxic type tls_mismatch (plain_listener, tls_listener, "
                        + "untrusted_certificate, expired_certificate, wrong_host_certificate, no_common_protocol)");
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"tls_mismatch\",\"attributes\":{\"mode\":\"expired_certificate\"}}"),
                400, "bad request body: tls_mismatch: mode \\\"expired_certificate\\\" changes the certificate of a TLS "
                        + "listener, but proxy echo listens without TLS; create it with \\\"tls\\\": true, or use mode "
                        + "plain_listener or tls_listener");
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"refuse\",\"attributes\":{\"timeout\":1}}"), 400,
                "bad request body: unknown attribute \\\"timeout\\\" for toxic type refuse; accepted are none");
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"blackhole\",\"attributes\":{\"delay\":1}}"), 400,
                "bad request body: unknown attribute \\\"delay\\\" for toxic type blackhole; accepted are none");
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"delay_handshake\",\"attributes\":{\"delay\":\"1s\"}}"), 400,
                "bad request body: attribute \\\"delay\\\" of toxic type delay_handshake must be an integer, got \\\"1s\\\"");
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"delay_handshake\",\"attributes\":{\"delay\":-5}}"), 400,
                "bad request body: delay_handshake: handshake delay -5ms must be positive, e.g. 2s");
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"delay_handshake\"}"), 400,
                "missing required field: attributes.delay for toxic type delay_handshake (ms)");
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"reset\",\"attributes\":{\"delay\":5}}"), 400,
                "bad request body: unknown attribute \\\"delay\\\" for toxic type reset; accepted are after");
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"reset\",\"attributes\":{\"after\":-5}}"), 400,
                "bad request body: reset: reset delay -5ms must be zero or positive, e.g. 500ms");
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"swallow_pings\",\"attributes\":{\"direction\":\"sideways\"}}"),
                400, "bad request body: attribute \\\"direction\\\" of toxic type swallow_pings must be one of "
                        + "\\\"upstream\\\", \\\"downstream\\\", \\\"both\\\", got \\\"sideways\\\"");
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"half_open\",\"attributes\":{\"direction\":1}}"), 400,
                "bad request body: attribute \\\"direction\\\" of toxic type half_open must be one of "
                        + "\\\"upstream\\\", \\\"downstream\\\", \\\"both\\\", got 1");
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"half_open\",\"attributes\":{\"stream\":\"upstream\"}}"), 400,
                "bad request body: unknown attribute \\\"stream\\\" for toxic type half_open; accepted are direction");
        assertThat(call("GET", "/proxies/echo/toxics", null).body()).as("nothing added").isEqualTo("[]");
    }

    @Test
    void badTlsFields() throws Exception {
        expect(call("POST", "/proxies", "{\"name\":\"s\",\"upstream\":\"127.0.0.1:1\",\"tls\":\"yes\"}"), 400,
                "bad request body: \\\"tls\\\" must be true or false, got \\\"yes\\\" (a string)");
        expect(call("POST", "/proxies", "{\"name\":\"s\",\"upstream\":\"wss://127.0.0.1:1\",\"upstream_ca\":\"not a pem\"}"),
                400, "bad request body: \\\"upstream_ca\\\" is not a PEM certificate (-----BEGIN CERTIFICATE----- ...): ",
                true);
        expect(call("POST", "/proxies", "{\"name\":\"s\",\"upstream\":\"127.0.0.1:1\",\"upstream_ca\":\"x\"}"), 400,
                "bad request body: \\\"upstream_ca\\\" is for a wss:// upstream, but upstream \\\"127.0.0.1:1\\\" is plain; "
                        + "give upstream as wss://host:port, or leave upstream_ca out");
        expectPopulate(call("POST", "/populate", "[{\"name\":\"s\",\"upstream\":\"127.0.0.1:1\",\"tls\":1}]"), 400,
                "bad request body: \\\"tls\\\" must be true or false, got 1 (a number)");
        expect(call("PATCH", "/proxies/echo", "{\"upstream_ca\":\"x\"}"), 400,
                "bad request body: \\\"upstream_ca\\\" is for a wss:// upstream, but upstream \\\"127.0.0.1:"
                        + upstream.uri().getPort() + "\\\" is plain; give upstream as wss://host:port, or leave upstream_ca out");
        assertThat(call("GET", "/proxies", null).body()).as("nothing added or changed").doesNotContain("\"s\"", "tls", "upstream_ca");

        // A certificate mode armed on a TLS proxy keeps it from going back to plain.
        assertThat(call("PATCH", "/proxies/echo", "{\"tls\":true}").statusCode()).isEqualTo(200);
        assertThat(call("POST", "/proxies/echo/toxics", "{\"name\":\"old\",\"type\":\"tls_mismatch\","
                + "\"attributes\":{\"mode\":\"expired_certificate\"}}").statusCode()).isEqualTo(200);
        expect(call("PATCH", "/proxies/echo", "{\"tls\":false}"), 400,
                "bad request body: tls_mismatch: mode \\\"expired_certificate\\\" changes the certificate of a TLS "
                        + "listener, but proxy echo listens without TLS; create it with \\\"tls\\\": true, or use mode "
                        + "plain_listener or tls_listener");
        assertThat(call("DELETE", "/proxies/echo/toxics/old", null).statusCode()).isEqualTo(204);
        HttpResponse<String> plain = call("PATCH", "/proxies/echo", "{\"tls\":false}");
        assertThat(plain.statusCode()).isEqualTo(200);
        listen = plain.body().replaceAll(".*\"listen\":\"([^\"]+)\".*", "$1");
    }

    @Test
    void aListenAddressInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            expect(call("POST", "/proxies", "{\"name\":\"clash\",\"listen\":\"" + address + "\",\"upstream\":\"127.0.0.1:1\"}"),
                    500, "listen tcp " + address + ": bind: address already in use");
            assertThat(call("GET", "/proxies/clash", null).statusCode()).as("not added").isEqualTo(404);
            expect(call("POST", "/proxies/echo", "{\"listen\":\"" + address + "\"}"), 500,
                    "listen tcp " + address + ": bind: address already in use");
        }
        // Toxiproxy leaves the proxy disabled on the new address; moving it back brings it up again.
        assertThat(call("GET", "/proxies/echo", null).body()).contains("\"enabled\":false");
        assertThat(call("POST", "/proxies/echo", "{\"listen\":\"" + listen + "\",\"enabled\":true}").statusCode())
                .isEqualTo(200);
    }

    @Test
    void nameClashes() throws Exception {
        expect(call("POST", "/proxies", "{\"name\":\"echo\",\"upstream\":\"127.0.0.1:1\"}"), 409,
                "proxy already exists: echo");
        assertThat(call("POST", "/proxies/echo/toxics", "{\"type\":\"latency\"}").statusCode()).isEqualTo(200);
        expect(call("POST", "/proxies/echo/toxics", "{\"type\":\"latency\"}"), 409,
                "toxic already exists: latency_downstream");
        assertThat(call("DELETE", "/proxies/echo/toxics/latency_downstream", null).statusCode()).isEqualTo(204);
    }

    @Test
    void namesWithASlashOrASpaceAreOneEncodedPathSegment() throws Exception {
        // A name the API takes can be removed again: "a/b" was decoded before the path was split, and matched no route.
        for (String name : new String[] {"a/b", "a b", "a+b"}) {
            assertThat(call("POST", "/proxies/echo/toxics",
                    "{\"name\":\"" + name + "\",\"type\":\"latency\",\"attributes\":{\"latency\":1}}").statusCode())
                    .isEqualTo(200);
            String encoded = java.net.URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
            assertThat(call("GET", "/proxies/echo/toxics/" + encoded, null).body()).contains("\"name\":\"" + name + "\"");
            assertThat(call("DELETE", "/proxies/echo/toxics/" + encoded, null).statusCode()).as(name).isEqualTo(204);
        }
    }

    @Test
    void toxiproxysNoopToxicIsTakenAndChangesNothing() throws Exception {
        HttpResponse<String> created = call("POST", "/proxies/echo/toxics", "{\"type\":\"noop\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        assertThat(created.body()).isEqualTo("{\"attributes\":{},\"name\":\"noop_downstream\",\"type\":\"noop\","
                + "\"stream\":\"downstream\",\"toxicity\":1}");
        try (JdkWebSocketClient client = JdkWebSocketClient.connect(URI.create("ws://" + listen + "/echo"))) {
            client.send("through noop");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> client.messages().contains("through noop"));
        }
    }

    @Test
    void aDirectionLeftOutIsShownAsTheStreamItDefaultsTo() throws Exception {
        HttpResponse<String> created = call("POST", "/proxies/echo/toxics",
                "{\"type\":\"swallow_pings\",\"stream\":\"upstream\",\"attributes\":{}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        assertThat(created.body()).startsWith("{\"attributes\":{\"direction\":\"upstream\"}");
        assertThat(call("GET", "/proxies/echo/toxics/swallow_pings_upstream", null).body()).contains("\"direction\":\"upstream\"");
    }

    @Test
    void missingFieldsAndUnknownNames() throws Exception {
        expect(call("POST", "/proxies", "{\"upstream\":\"127.0.0.1:1\"}"), 400, "missing required field: name");
        expect(call("POST", "/proxies", "{\"name\":\"x\"}"), 400, "missing required field: upstream");
        expectPopulate(call("POST", "/populate", "[{\"name\":\"a\",\"upstream\":\"127.0.0.1:1\"},{\"upstream\":\"127.0.0.1:1\"}]"),
                400, "missing required field: name at proxy 2");
        for (String nothing : new String[] {"[]", "null"}) {
            HttpResponse<String> empty = call("POST", "/populate", nothing);
            assertThat(empty.statusCode()).as(nothing).isEqualTo(201);
            assertThat(empty.body()).as(nothing).isEqualTo("{\"proxies\":null}");
        }
        expect(call("GET", "/proxies/nope", null), 404, "proxy not found: nope");
        expect(call("DELETE", "/proxies/nope", null), 404, "proxy not found: nope");
        expect(call("GET", "/proxies/echo/toxics/nope", null), 404, "toxic not found: nope");
        expect(call("POST", "/proxies/echo/toxics/nope", "{}"), 404, "toxic not found: nope");
    }

    @Test
    void routesMethodsAndBrowsersAsToxiproxy() throws Exception {
        for (String path : new String[] {"/nothing", "/metrics", "/proxies/", "/proxies/echo/toxics/a/b", "/proxies/echo/nothing"}) {
            HttpResponse<String> unknown = call("GET", path, null);
            assertThat(unknown.statusCode()).as(path).isEqualTo(404);
            assertThat(unknown.body()).isEqualTo("404 page not found\n");
            assertThat(unknown.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
            assertThat(unknown.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        }
        for (String[] route : new String[][] {{"PUT", "/proxies"}, {"GET", "/reset"}, {"POST", "/version"},
                {"PUT", "/proxies/echo/toxics"}, {"POST", "/certificate"}, {"POST", "/proxies/echo/recording"}}) {
            HttpResponse<String> method = call(route[0], route[1], "{}");
            assertThat(method.statusCode()).as(route[0] + " " + route[1]).isEqualTo(405);
            assertThat(method.body()).isEmpty();
        }
        HttpResponse<String> version = call("GET", "/version", null);
        assertThat(version.headers().firstValue("Content-Type")).hasValue("application/json;charset=utf-8");
        assertThat(version.body()).isEqualTo("{\"version\": \"2.12.0\", \"wschaos\": \"0.1.0\"}\n");
        HttpResponse<String> browser = browser("/proxies");
        assertThat(browser.statusCode()).isEqualTo(403);
        assertThat(browser.body()).isEqualTo("User agent not allowed\n");
        assertThat(browser.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        // gorilla/mux runs Toxiproxy's browser check only on a matched route.
        assertThat(browser("/nothing").statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> browser(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).header("User-Agent", "Mozilla/5.0").GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRequestTargetWithAnInvalidEscapeGetsGosPlain400AndTheConnectionCloses() throws Exception {
        try (io.github.wschaos.testing.RawHttp raw = io.github.wschaos.testing.RawHttp.connect(server.address())) {
            io.github.wschaos.testing.RawHttp.Response response = raw
                    .send("DELETE /proxies/bad%uD800x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readResponse();
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.headers()).containsEntry("connection", "close");
            assertThat(response.body()).isEqualTo("400 Bad Request");
        }
    }

    @Test
    void aNameWithALoneSurrogateIsStoredAsGoDecodesIt() throws Exception {
        HttpResponse<String> created = call("POST", "/proxies",
                "{\"name\":\"bad\\ud800x\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:"
                        + upstream.uri().getPort() + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).contains("\"name\":\"bad\uFFFDx\"");
        assertThat(call("GET", "/proxies/bad%EF%BF%BDx", null).statusCode()).isEqualTo(200);
        assertThat(call("DELETE", "/proxies/bad%EF%BF%BDx", null).statusCode()).isEqualTo(204);
    }

    @Test
    void aSlicerDelayTooLongForADurationNamesTheLimit() throws Exception {
        expect(call("POST", "/proxies/echo/toxics",
                "{\"type\":\"slicer\",\"attributes\":{\"average_size\":1,\"delay\":9223372036854775807}}"), 400,
                "bad request body: slicer: slicer delay 9223372036854.775807s is too long; accepted are up to 106751d", true);
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        // 30 s: the first "tls": true proxy of a JVM generates a certificate, slow on a loaded machine.
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(30));
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpResponse<String> response, int status, String message) {
        expect(response, status, message, false);
    }

    /** Toxiproxy's {@code Populate} answers an error as JSON (application/json, no newline), with the proxies done: none. */
    private static void expectPopulate(HttpResponse<String> response, int status, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo("{\"error\":\"" + message + "\",\"status\":" + status + ",\"proxies\":null}");
    }

    /** The exact body, or with {@code prefix} its start: Toxiproxy's JSON, a newline, as {@code http.Error} writes it. */
    private static void expect(HttpResponse<String> response, int status, String message, boolean prefix) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        if (prefix) {
            assertThat(response.body()).startsWith("{\"error\":\"" + message).endsWith("\",\"status\":" + status + "}\n");
        } else {
            assertThat(response.body()).isEqualTo("{\"error\":\"" + message + "\",\"status\":" + status + "}\n");
        }
    }
}
