package io.github.wschaos.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.JsonObject;
import eu.rekawek.toxiproxy.GenericToxics;
import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.NettyEchoServer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * wschaos's TLS fields on API proxies: {@code "tls": true} makes the listener serve {@code wss://} with the server's
 * certificate, which any client trusts from {@code GET /certificate}; {@code "upstream": "wss://..."} with
 * {@code upstream_ca} reaches a TLS upstream with its own authority. Every client here is the JDK's, trusting only
 * the PEM it fetched; every server is real (Netty) on loopback.
 */
class TlsProxiesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /**
     * For API calls: the first {@code "tls": true} proxy of a JVM generates the server's certificate and loads the
     * TLS classes, which took 5-9 s with the two cores of the test machine shared by several builds.
     */
    private static final Duration API_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private NettyEchoServer upstream;
    private ChaosServer server;
    private GenericToxics generic;

    @BeforeEach
    void start() {
        upstream = NettyEchoServer.start();
        server = ChaosServer.builder().port(0).start();
        generic = new GenericToxics("127.0.0.1", server.port());
    }

    @AfterEach
    void stop() {
        server.close();
        upstream.close();
    }

    @Test
    void aTlsProxyServesWssWithTheCertificateFromTheApi() throws Exception {
        JsonObject created = generic.createProxy(proxy("secure", "127.0.0.1:" + upstream.uri().getPort(), true));
        assertThat(created.get("tls").getAsBoolean()).isTrue();
        URI wss = URI.create("wss://" + created.get("listen").getAsString() + "/echo");

        HttpResponse<String> pem = get("/certificate");
        assertThat(pem.statusCode()).isEqualTo(200);
        assertThat(pem.headers().firstValue("Content-Type")).hasValue("application/x-pem-file");
        assertThat(pem.body()).startsWith("-----BEGIN CERTIFICATE-----").isEqualTo(server.certificate().pem());
        SSLContext trust = trusting(generic.certificate());
        assertEchoWorks(wss, trust);

        // The client's default trust store does not know the server's authority.
        Throwable untrusted = JdkWebSocketClient.handshakeFailure(wss, null, TIMEOUT, null);
        assertThat(untrusted).isInstanceOf(SSLHandshakeException.class).hasMessageContaining("PKIX path building failed");
        // A ws:// client on the TLS port gets what nginx answers there.
        Throwable plain = JdkWebSocketClient.handshakeFailure(URI.create("ws://" + wss.getAuthority() + "/echo"), null,
                TIMEOUT, null);
        assertThat(((WebSocketHandshakeException) plain).getResponse().statusCode()).isEqualTo(400);

        // toxiproxy-java reads the proxy (ignoring the extra field); disabled and enabled, it keeps its certificate.
        Proxy proxy = new ToxiproxyClient("127.0.0.1", server.port()).getProxy("secure");
        proxy.disable();
        proxy.enable();
        assertEchoWorks(wss, trust);
        JsonNode shown = json(get("/proxies/secure").body());
        assertThat(shown.get("tls").asBoolean()).isTrue();
        assertThat(shown.has("upstream_ca")).isFalse();
        // A proxy created the Toxiproxy way has Toxiproxy's JSON exactly: no wschaos field.
        JsonNode plainProxy = json(send("POST", "/proxies", "{\"name\":\"plain\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:"
                + upstream.uri().getPort() + "\"}").body());
        assertThat(plainProxy.fieldNames()).toIterable().containsExactly("name", "listen", "upstream", "enabled", "toxics");
    }

    @Test
    void populateAndUpdateTakeTheTlsField() throws Exception {
        HttpResponse<String> populated = send("POST", "/populate", "[{\"name\":\"a\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:"
                + upstream.uri().getPort() + "\",\"tls\":true}]");
        assertThat(populated.statusCode()).isEqualTo(201);
        JsonNode a = json(populated.body()).get("proxies").get(0);
        assertThat(a.get("tls").asBoolean()).isTrue();
        SSLContext trust = trusting(generic.certificate());
        assertEchoWorks(URI.create("wss://" + a.get("listen").asText() + "/echo"), trust);

        // Populating the same proxy again keeps it; switching tls off restarts it as a plain listener.
        JsonNode kept = json(send("POST", "/populate", "[{\"name\":\"a\",\"listen\":\"" + a.get("listen").asText()
                + "\",\"upstream\":\"127.0.0.1:" + upstream.uri().getPort() + "\",\"tls\":true}]").body());
        assertThat(kept.get("proxies").get(0).get("listen").asText()).isEqualTo(a.get("listen").asText());
        JsonNode plain = json(send("PATCH", "/proxies/a", "{\"tls\":false}").body());
        assertThat(plain.has("tls")).isFalse();
        assertEchoWorks(URI.create("ws://" + plain.get("listen").asText() + "/echo"), null);
    }

    @Test
    void aWssUpstreamIsReachedWithItsOwnAuthority() throws Exception {
        try (NettyEchoServer tlsUpstream = NettyEchoServer.startTls()) {
            JsonObject spec = proxy("wss", tlsUpstream.uri().toString(), true);
            spec.addProperty("upstream_ca", tlsUpstream.certificatePem());
            JsonObject created = generic.createProxy(spec);
            assertThat(created.get("upstream").getAsString()).isEqualTo(tlsUpstream.uri().toString());
            assertThat(created.get("upstream_ca").getAsString()).isEqualTo(tlsUpstream.certificatePem());
            // TLS on both legs: the client trusts the API's certificate, the proxy the upstream's.
            assertEchoWorks(URI.create("wss://" + created.get("listen").getAsString() + "/echo"), trusting(generic.certificate()));

            // Without upstream_ca the proxy checks the upstream against the JDK's trust store, fails, and answers 502.
            JsonObject created2 = generic.createProxy(proxy("wss-untrusted", tlsUpstream.uri().toString(), false));
            Throwable failure = JdkWebSocketClient.handshakeFailure(
                    URI.create("ws://" + created2.get("listen").getAsString() + "/echo"), null, TIMEOUT, null);
            assertThat(failure).as(String.valueOf(failure)).isInstanceOf(WebSocketHandshakeException.class);
            assertThat(((WebSocketHandshakeException) failure).getResponse().statusCode()).isEqualTo(502);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "plain_listener         | javax.net.ssl.SSLException          | SSL message",
        "untrusted_certificate  | javax.net.ssl.SSLHandshakeException | PKIX path building failed",
        "expired_certificate    | javax.net.ssl.SSLHandshakeException | expired",
        "wrong_host_certificate | javax.net.ssl.SSLHandshakeException | No subject alternative",
        "no_common_protocol     | javax.net.ssl.SSLException          | ''",
    })
    void tlsMismatchModesOnATlsProxyFailTheHandshakeUntilRemoved(String mode, Class<? extends SSLException> type,
            String symptom) throws Exception {
        JsonObject created = generic.createProxy(proxy("secure", "127.0.0.1:" + upstream.uri().getPort(), true));
        URI wss = URI.create("wss://" + created.get("listen").getAsString() + "/echo");
        SSLContext trust = trusting(generic.certificate());
        JsonObject attributes = new JsonObject();
        attributes.addProperty("mode", mode);
        generic.create("secure", "mismatch", "tls_mismatch", "downstream", 1f, attributes);

        Throwable failure = JdkWebSocketClient.handshakeFailure(wss, trust, TIMEOUT, null);
        assertThat(failure).as(String.valueOf(failure)).isInstanceOf(type);
        assertThat(causeChain(failure)).containsIgnoringCase(symptom);

        generic.remove("secure", "mismatch");
        assertEchoWorks(wss, trust);
        await().atMost(TIMEOUT).untilAsserted(() -> {
            JsonNode first = json(get("/proxies/secure/recording").body()).get("connections").get(0);
            assertThat(first.get("faults").get(0).asText()).isEqualTo("tls-mismatch");
        });
    }

    private static JsonObject proxy(String name, String upstream, boolean tls) {
        JsonObject proxy = new JsonObject();
        proxy.addProperty("name", name);
        proxy.addProperty("listen", "127.0.0.1:0");
        proxy.addProperty("upstream", upstream);
        if (tls) {
            proxy.addProperty("tls", true);
        }
        return proxy;
    }

    /** A client context trusting exactly the PEM certificates given, as a client in any language would load them. */
    private static SSLContext trusting(String pem) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int i = 0;
        for (Certificate certificate : CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
            store.setCertificateEntry("ca-" + i++, certificate);
        }
        assertThat(i).as("certificates in the PEM").isPositive();
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static void assertEchoWorks(URI uri, SSLContext tls) throws Exception {
        try (JdkWebSocketClient client = JdkWebSocketClient.connect(uri, tls, TIMEOUT, null)) {
            client.send("through TLS");
            await().atMost(TIMEOUT).until(() -> client.messages().contains("through TLS"));
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, null);
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).timeout(API_TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String text) throws Exception {
        return ProxyCollection.MAPPER.readTree(text);
    }

    private static String causeChain(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            text.append(t).append(" / ");
        }
        return text.toString();
    }
}
