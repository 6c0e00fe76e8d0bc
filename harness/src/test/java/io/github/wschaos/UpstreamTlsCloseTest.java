package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.record.Closer;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.testing.RawHttp;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A {@code wss://} upstream behind a TLS terminator such as stunnel ends its side with a TLS {@code close_notify} and
 * holds the TCP connection open for a minute, waiting for the proxy's. nginx reads the {@code close_notify} as the
 * end of the stream; so must the proxy, or the client's connection hangs that minute.
 */
class UpstreamTlsCloseTest {

    private static final Duration CLIENT_WAIT = Duration.ofSeconds(5);

    @Test
    void theUpstreamsCloseNotifyEndsAResponseThatRunsUntilTheClose() throws Exception {
        X509Bundle certificate = new CertificateBuilder().subject("CN=localhost").setIsCertificateAuthority(true)
                .addSanDnsName("localhost").buildSelfSigned();
        SslContext tls = SslContextBuilder.forServer(certificate.toKeyManagerFactory()).build();
        CompletableFuture<Void> upstreamSideClosed = new CompletableFuture<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            SslHandler handler = tls.newHandler(channel.alloc());
                            channel.pipeline().addLast(handler, new AnswerThenCloseNotify(handler));
                            channel.closeFuture().addListener(closed -> upstreamSideClosed.complete(null));
                        }
                    })
                    .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            try (ChaosProxy proxy = ChaosProxy.builder().upstream("wss://localhost:" + port + "/")
                    .upstreamTrust(certificate.toTrustManagerFactory()).start();
                    RawHttp client = RawHttp.connect(proxy.address())) {
                client.send("GET /status HTTP/1.1\r\nHost: localhost\r\n\r\n");
                client.readTimeout(CLIENT_WAIT);

                String answer = client.readToEnd(); // fails with a read timeout if the end never comes

                assertThat(answer).as("the whole answer, then the end of the stream").startsWith("HTTP/1.1 200 OK")
                        .endsWith("\r\n\r\nhello");
                upstreamSideClosed.get(CLIENT_WAIT.toSeconds(), TimeUnit.SECONDS); // the proxy closed its side
                ConnectionRecord record = Awaitility.await().atMost(CLIENT_WAIT)
                        .until(() -> proxy.recording().attempt(1), ConnectionRecord::isClosed);
                assertThat(record.close().orElseThrow().closer()).as("who ended it").isEqualTo(Closer.UPSTREAM);
            }
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }

    /**
     * Answers the request with a body that runs until the close, then sends close_notify and keeps the TCP
     * connection open, as stunnel does until the peer's close_notify or its one-minute TIMEOUTclose.
     */
    private static final class AnswerThenCloseNotify extends ChannelInboundHandlerAdapter {
        private final SslHandler tls;
        private final StringBuilder head = new StringBuilder();

        AnswerThenCloseNotify(SslHandler tls) {
            this.tls = tls;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf bytes = (ByteBuf) msg;
            head.append(bytes.toString(StandardCharsets.US_ASCII));
            bytes.release();
            if (head.toString().endsWith("\r\n\r\n")) {
                ctx.writeAndFlush(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello",
                        StandardCharsets.US_ASCII)).addListener(written -> tls.closeOutbound());
            }
        }
    }
}
