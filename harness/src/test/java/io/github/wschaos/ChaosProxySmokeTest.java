package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.NettyEchoServer;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ChaosProxySmokeTest {

    @Test
    void relaysAnEchoThroughTheJdkClient() throws Exception {
        try (NettyEchoServer server = NettyEchoServer.start();
                ChaosProxy proxy = ChaosProxy.start(server.uri())) {
            CompletableFuture<String> echoed = new CompletableFuture<>();
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(proxy.uri(), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            echoed.complete(data.toString());
                            return null;
                        }
                    }).get(5, TimeUnit.SECONDS);
            socket.sendText("hello", true);
            assertThat(echoed.get(5, TimeUnit.SECONDS)).isEqualTo("hello");
            socket.sendClose(1000, "bye").get(5, TimeUnit.SECONDS);

            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> proxy.recording().attempt(1).isClosed());
            ConnectionRecord record = proxy.recording().attempt(1);
            System.out.println(proxy.recording().timeline());
            assertThat(record.outcome()).isEqualTo(Outcome.UPGRADED);
            assertThat(record.clientToUpstream().messages()).isEqualTo(1);
            assertThat(record.upstreamToClient().messages()).isEqualTo(1);
            assertThat(record.close()).hasValueSatisfying(close -> {
                assertThat(close.closeFrame()).isTrue();
                assertThat(close.code()).hasValue(1000);
                assertThat(close.reason()).isEqualTo("bye");
            });
        }
    }
}
