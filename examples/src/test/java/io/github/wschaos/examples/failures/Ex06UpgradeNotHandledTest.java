package io.github.wschaos.examples.failures;

import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.examples.support.AppServer;
import io.github.wschaos.examples.support.AppServer.Page;
import io.github.wschaos.examples.support.JdkClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Example 6: a server that does not handle the upgrade on that path.
 *
 * <p><b>Symptom.</b> {@code WebSocketHandshakeException} although the URL is right and the server is up. The
 * status is {@code 200} with the app's {@code index.html} as the body (a single-page app's history fallback
 * answered), or {@code 404}/{@code 405} from a REST framework.
 *
 * <p><b>Cause.</b> No WebSocket endpoint is registered on that path in this deployment (Spring without
 * {@code @EnableWebSocket} or with another mapping, a servlet container without the WebSocket module, an endpoint
 * moved to another path), so the server answers the upgrade request as the plain GET it also is. A {@code 200}
 * misleads most: the server is fine, it just served a page.
 *
 * <p><b>Fix.</b> Register the endpoint on the path the client uses (or point the client at the registered one).
 * The recording shows the difference without reading server logs: {@code REJECTED 200} against {@code UPGRADED}.
 */
class Ex06UpgradeNotHandledTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Page INDEX = Page.html("<!doctype html><title>app</title><div id=root></div>");

    private AppServer app;
    private ChaosProxy proxy;

    @AfterEach
    void stop() {
        proxy.close();
        app.close();
    }

    @Test
    void aSinglePageAppsFallbackAnswersTheUpgradeWith200() {
        app = AppServer.start(List.of(), Map.of("*", INDEX));
        proxy = ChaosProxy.start(app.wsUri("/ws"));

        Throwable failure = JdkClient.handshakeFailure(proxy.uri());

        assertThat(failure).isInstanceOf(WebSocketHandshakeException.class);
        HttpResponse<?> response = ((WebSocketHandshakeException) failure).getResponse();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(proxy).within(WAIT).attempt(1).wasRejectedWith(200);
    }

    @Test
    void aServerWithoutTheEndpointAnswers404() {
        app = AppServer.start(List.of(), Map.of("/", INDEX));
        proxy = ChaosProxy.start(app.wsUri("/ws"));

        Throwable failure = JdkClient.handshakeFailure(proxy.uri());

        assertThat(((WebSocketHandshakeException) failure).getResponse().statusCode()).isEqualTo(404);
        assertThat(proxy).within(WAIT).attempt(1).wasRejectedWith(404);
    }

    @Test
    void fixedByRegisteringTheEndpointOnThatPath() throws Exception {
        app = AppServer.start(List.of("/ws"), Map.of("*", INDEX));
        proxy = ChaosProxy.start(app.wsUri("/ws"));

        try (JdkClient client = JdkClient.connect(proxy.uri())) {
            client.send("hello");
            await().atMost(WAIT).until(() -> client.messages().contains("hello"));
        }
        assertThat(proxy).within(WAIT).attempt(1).isUpgraded().hasMessagesBothWays(1);
    }
}
