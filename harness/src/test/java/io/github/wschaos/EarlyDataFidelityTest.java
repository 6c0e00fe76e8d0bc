package io.github.wschaos;

import static io.github.wschaos.testing.RawUpstream.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.NginxServer;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import io.github.wschaos.testing.RawWebSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a client sends after its upgrade request and before the answer (a first frame in the same write as the
 * request, as eager clients write it), side by side with nginx 1.22.1 in front of the same upstream. nginx holds
 * what it has read past the request head: after a {@code 101} the upstream gets it first; after a refusal it is read
 * as the next request. The proxy does the same, instead of reading a frame as a malformed request.
 */
class EarlyDataFidelityTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void aFrameInTheSameWriteAsTheUpgradeRequestReachesTheUpstreamAfterThe101AsThroughNginx() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""));
                    String text = readClientText(connection);
                    connection.write(RawUpstream.serverFrame(0x1, ascii("echo:" + text)));
                    connection.readToEnd();
                });
                NginxServer nginx = NginxServer.builder(upstream.uri()).start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            assertThat(echoOfEarlyFrame(nginx.address())).as("nginx, the reference").isEqualTo("echo:early");

            assertThat(echoOfEarlyFrame(proxy.address())).as("the proxy").isEqualTo("echo:early");
            await("the connection recorded as closed").atMost(TIMEOUT).until(() -> proxy.recording().attempts() == 1
                    && proxy.recording().attempt(1).isClosed());
            ConnectionRecord record = proxy.recording().attempt(1);
            assertThat(record.outcome()).isEqualTo(Outcome.UPGRADED);
            assertThat(record.clientToUpstream().messages()).as("the early frame, recorded").isEqualTo(1);
            assertThat(record.upstreamToClient().messages()).isEqualTo(1);
        }
    }

    @Test
    void anUpgradePipelinedBehindAPlainRequestUpgradesWithItsEarlyFrameAsThroughNginx() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    for (String head = connection.readHead(); head != null; head = connection.readHead()) {
                        if (!head.toLowerCase(java.util.Locale.ROOT).contains("upgrade: websocket")) {
                            connection.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
                            continue;
                        }
                        connection.write(RawUpstream.switchingProtocols(""));
                        connection.write(RawUpstream.serverFrame(0x1, ascii("echo:" + readClientText(connection))));
                        connection.readToEnd();
                        return;
                    }
                });
                NginxServer nginx = NginxServer.builder(upstream.uri()).start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            assertPlainAnswerThenUpgrade(nginx.address(), "nginx, the reference");

            // Before, the end of the plain answer was taken for the answer to the upgrade request: the held frame was
            // read as a broken request (400) and the upstream's 101 was lost.
            assertPlainAnswerThenUpgrade(proxy.address(), "the proxy");
        }
    }

    private static void assertPlainAnswerThenUpgrade(InetSocketAddress address, String through) throws Exception {
        try (RawHttp http = RawHttp.connect(address)) {
            http.send(concat(ascii("GET /first HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    + RawHttp.upgradeRequest(address, "/chat")), clientTextFrame("early")));

            assertThat(http.readResponse().body()).as(through + ", the plain answer").isEqualTo("ok");
            assertThat(http.readHead().status()).as(through + ", the upgrade").isEqualTo(101);
            assertThat(RawWebSocket.over(http).readFrame(0x81)).as(through).isEqualTo("echo:early");
        }
    }

    /** After a refused upgrade, what the client sent early is read as the next request: a frame, or a real one. */
    static Stream<Arguments> sentEarlyAndNextAnswer() {
        return Stream.of(
                Arguments.of(Named.of("a frame", clientTextFrame("early")), "400 Bad Request"),
                Arguments.of(Named.of("a pipelined GET", ascii("GET /next HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")),
                        "200 OK"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sentEarlyAndNextAnswer")
    void afterARefusedUpgradeWhatWasSentEarlyIsReadAsTheNextRequestAsByNginx(byte[] early, String next)
            throws Exception {
        try (RawUpstream upstream = refusingUpgrades();
                NginxServer nginx = NginxServer.builder(upstream.uri()).start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            assertRefusedThen(nginx.address(), early, next, "nginx, the reference");

            assertRefusedThen(proxy.address(), early, next, "the proxy");
        }
    }

    @Test
    void afterARefusalThatSaysConnectionCloseNothingMoreIsWritten() throws Exception {
        // nginx would write its own Connection: keep-alive and then a 400 for the frame; the proxy relays the upstream's
        // Connection: close, after which a second answer breaks HTTP/1.1: the connection just ends.
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(ascii("HTTP/1.1 403 Forbidden\r\nContent-Length: 9\r\nConnection: close\r\n\r\nForbidden"));
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            http.send(concat(ascii(RawHttp.upgradeRequest(proxy.address(), "/")), clientTextFrame("early")));

            assertThat(http.readToEnd()).startsWith("HTTP/1.1 403 Forbidden\r\n").contains("Connection: close")
                    .endsWith("\r\n\r\nForbidden");
            await("the connection recorded as closed").atMost(TIMEOUT).until(() -> proxy.recording().attempt(1).isClosed());
            assertThat(proxy.recording().attempt(1).status()).isEqualTo(403);
            assertThat(proxy.recording().attempt(1).close().orElseThrow().closer()).as("the upstream ended it, as it said")
                    .isEqualTo(io.github.wschaos.record.Closer.UPSTREAM);
        }
    }

    @Test
    void aClientThatLeavesBeforeTheAnswerTakesItsEarlyFrameWithIt() throws Exception {
        CompletableFuture<byte[]> afterTheHead = new CompletableFuture<>();
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    afterTheHead.complete(connection.readToEnd()); // never answers; the proxy closes when the client left
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            try (RawHttp http = RawHttp.connect(proxy.address())) {
                http.send(concat(ascii(RawHttp.upgradeRequest(proxy.address(), "/")), clientTextFrame("early")));
                await("the request relayed").atMost(TIMEOUT).until(() -> upstream.heads().size() == 1);
            }
            assertThat(afterTheHead.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("nothing after the request head")
                    .isEmpty();
            await("the connection recorded as closed").atMost(TIMEOUT).until(() -> proxy.recording().attempt(1).isClosed());
            assertThat(proxy.recording().attempt(1).outcome()).isEqualTo(Outcome.ABORTED_BY_CLIENT);
        }
    }

    /** Answers an upgrade request with {@code 426} and any other request with {@code 200} and its path, kept alive. */
    private static RawUpstream refusingUpgrades() throws IOException {
        return RawUpstream.start(connection -> {
            for (String head = connection.readHead(); head != null; head = connection.readHead()) {
                if (head.toLowerCase(java.util.Locale.ROOT).contains("upgrade: websocket")) {
                    connection.write(ascii("HTTP/1.1 426 Upgrade Required\r\nContent-Length: 4\r\n\r\nnope"));
                } else {
                    String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
                    connection.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + path.length() + "\r\n\r\n" + path));
                }
            }
        });
    }

    private static String echoOfEarlyFrame(InetSocketAddress address) throws Exception {
        try (RawHttp http = RawHttp.connect(address)) {
            http.send(concat(ascii(RawHttp.upgradeRequest(address, "/")), clientTextFrame("early")));
            assertThat(http.readHead().status()).isEqualTo(101);
            return RawWebSocket.over(http).readFrame(0x81);
        }
    }

    private static void assertRefusedThen(InetSocketAddress address, byte[] early, String next, String through)
            throws Exception {
        try (RawHttp http = RawHttp.connect(address)) {
            http.send(concat(ascii(RawHttp.upgradeRequest(address, "/")), early));
            RawHttp.Response refusal = http.readResponse();
            assertThat(refusal.status()).as(through).isEqualTo(426);
            assertThat(refusal.body()).as(through).isEqualTo("nope");
            assertThat(http.readResponse().statusLine()).as(through).isEqualTo("HTTP/1.1 " + next);
        }
    }

    /** A masked text frame, as a client sends it. */
    private static byte[] clientTextFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x81);
        frame.write(0x80 | payload.length);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        return frame.toByteArray();
    }

    /** Reads one short masked text frame from the client and returns its text. */
    private static String readClientText(RawUpstream.Connection connection) throws IOException {
        byte[] header = connection.readBytes(2);
        byte[] mask = connection.readBytes(4);
        byte[] payload = connection.readBytes(header[1] & 0x7f);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i % 4];
        }
        return new String(payload, StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
