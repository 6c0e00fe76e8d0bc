package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.record.CloseInfo;
import io.github.wschaos.record.Closer;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.ClientConnection;
import io.github.wschaos.testing.ClientEnding;
import io.github.wschaos.testing.CloseStatus;
import io.github.wschaos.testing.EchoServer;
import io.github.wschaos.testing.JettyEchoServer;
import io.github.wschaos.testing.NettyEchoServer;
import io.github.wschaos.testing.NodeWsServer;
import io.github.wschaos.testing.RealClient;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every real client library against every real server, through a proxy: messages are echoed, close codes
 * and reasons travel both ways, an abrupt TCP close reaches the client as one, and the recording tells
 * what happened.
 */
class RealClientsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** The real servers, each started fresh for a test. */
    enum Server {
        NETTY(NettyEchoServer::start),
        JETTY(JettyEchoServer::start),
        NODE_WS(NodeWsServer::start);

        private final Supplier<EchoServer> starter;

        Server(Supplier<EchoServer> starter) {
            this.starter = starter;
        }
    }

    static Stream<Arguments> clientsAndServers() {
        return RealClient.all().stream()
                .flatMap(client -> Stream.of(Server.values()).map(server -> Arguments.of(client, server)));
    }

    @ParameterizedTest(name = "{0} -> proxy -> {1}")
    @MethodSource("clientsAndServers")
    void echoesTextAndBinaryAndRecordsTheMessages(RealClient client, Server kind) throws Exception {
        byte[] binary = new byte[3000];
        new Random(42).nextBytes(binary);
        String text = "hello from " + client.name() + " \u00e9\u4e16\u754c";
        try (EchoServer server = kind.starter.get();
                ChaosProxy proxy = ChaosProxy.start(server.uri());
                ClientConnection connection = client.connect(proxy.uri())) {
            connection.sendText(text);
            assertThat(connection.nextMessage(TIMEOUT)).isEqualTo(text);
            connection.sendBinary(binary);
            assertThat(connection.nextMessage(TIMEOUT)).isEqualTo(binary);
            connection.sendClose(1000, "done");
            assertThat(connection.ending().get(10, TimeUnit.SECONDS)).isEqualTo(ClientEnding.closed(1000, "done"));

            ConnectionRecord record = closedRecord(proxy);
            assertThat(record.outcome()).isEqualTo(Outcome.UPGRADED);
            assertThat(record.status()).isEqualTo(101);
            assertThat(record.clientToUpstream().messages()).as("messages client -> upstream").isEqualTo(2);
            assertThat(record.upstreamToClient().messages()).as("messages upstream -> client").isEqualTo(2);
            assertThat(record.close()).hasValue(new CloseInfo(Closer.CLIENT, true, java.util.OptionalInt.of(1000), "done", ""));
        }
    }

    @ParameterizedTest(name = "{0} -> proxy -> {1}")
    @MethodSource("clientsAndServers")
    void relaysACloseStartedByTheClient(RealClient client, Server kind) throws Exception {
        try (EchoServer server = kind.starter.get();
                ChaosProxy proxy = ChaosProxy.start(server.uri());
                ClientConnection connection = client.connect(proxy.uri())) {
            connection.sendClose(4001, "client bye");

            assertThat(connection.ending().get(10, TimeUnit.SECONDS)).isEqualTo(ClientEnding.closed(4001, "client bye"));
            await("the server received the close").atMost(TIMEOUT).untilAsserted(() ->
                    assertThat(server.closesReceived()).containsExactly(new CloseStatus(4001, "client bye")));
            ConnectionRecord record = closedRecord(proxy);
            assertThat(record.close()).hasValueSatisfying(close -> {
                assertThat(close.closer()).isEqualTo(Closer.CLIENT);
                assertThat(close.closeFrame()).isTrue();
                assertThat(close.code()).hasValue(4001);
                assertThat(close.reason()).isEqualTo("client bye");
            });
            if (client.readsUntilCloseReply()) {
                // The client reported the code and reason of the server's answer, which went through the proxy.
                assertThat(record.upstreamToClient().controlFrames()).as("the server's close frame in %s", record).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest(name = "{0} -> proxy -> {1}")
    @MethodSource("clientsAndServers")
    void relaysACloseStartedByTheServer(RealClient client, Server kind) throws Exception {
        try (EchoServer server = kind.starter.get();
                ChaosProxy proxy = ChaosProxy.start(server.uri());
                ClientConnection connection = client.connect(proxy.uri())) {
            connection.sendText(EchoServer.closeCommand(4002, "server bye"));

            assertThat(connection.ending().get(10, TimeUnit.SECONDS)).isEqualTo(ClientEnding.closed(4002, "server bye"));
            ConnectionRecord record = closedRecord(proxy);
            assertThat(record.close()).hasValueSatisfying(close -> {
                assertThat(close.closer()).isEqualTo(Closer.UPSTREAM);
                assertThat(close.closeFrame()).isTrue();
                assertThat(close.code()).hasValue(4002);
                assertThat(close.reason()).isEqualTo("server bye");
            });
            assertThat(record.clientToUpstream().messages()).isEqualTo(1);
            assertThat(record.upstreamToClient().messages()).isZero();
        }
    }

    @ParameterizedTest(name = "{0} -> proxy -> {1}")
    @MethodSource("clientsAndServers")
    void relaysAnAbruptCloseByTheServerAsOne(RealClient client, Server kind) throws Exception {
        try (EchoServer server = kind.starter.get();
                ChaosProxy proxy = ChaosProxy.start(server.uri());
                ClientConnection connection = client.connect(proxy.uri())) {
            connection.sendText("before");
            assertThat(connection.nextMessage(TIMEOUT)).isEqualTo("before");
            connection.sendText(EchoServer.ABORT);

            ClientEnding ending = connection.ending().get(10, TimeUnit.SECONDS);
            assertThat(ending.abnormal()).as("client reports an abnormal closure (1006 or an error), got %s", ending).isTrue();
            ConnectionRecord record = closedRecord(proxy);
            assertThat(record.close()).hasValueSatisfying(close -> {
                assertThat(close.closeFrame()).isFalse();
                assertThat(close.closer()).isEqualTo(Closer.UPSTREAM);
                assertThat(close.reportedCode()).isEqualTo(1006);
            });
            assertThat(record.upstreamToClient().controlFrames()).isZero();
        }
    }

    private static ConnectionRecord closedRecord(ChaosProxy proxy) {
        await("connection #1 recorded as closed").atMost(TIMEOUT)
                .until(() -> proxy.recording().attempts() == 1 && proxy.recording().attempt(1).isClosed());
        assertThat(proxy.recording().attempts()).isEqualTo(1);
        return proxy.recording().attempt(1);
    }
}
