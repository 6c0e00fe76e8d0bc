package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.record.Closer;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.testing.NettyEchoServer;
import io.github.wschaos.testing.RawHttp;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client that ends TLS with a {@code close_notify} and keeps the TCP connection open (Python's
 * {@code SSLSocket.unwrap()}; Netty's {@code SslHandler.closeOutbound()}): nginx closes at once, and the upstream
 * connection with it, without a {@code close_notify} of its own (measured with nginx 1.22.1 over TLS 1.2 and 1.3:
 * Python's {@code unwrap()} raises {@code SSLEOFError}). So must the proxy's TLS listener, or both connections stay
 * open until someone times out, and a client that waits for the answer would pass here and fail behind nginx.
 */
class ClientTlsCloseTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @ParameterizedTest(name = "after the upgrade: {0}")
    @ValueSource(booleans = {true, false})
    void theClientsCloseNotifyEndsItsConnectionAndTheUpstreams(boolean upgradeFirst) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (NettyEchoServer upstream = NettyEchoServer.start();
             ChaosProxy proxy = ChaosProxy.builder().upstream(upstream.uri()).tls().start()) {
            SslHandler tls = SslContextBuilder.forClient().trustManager(proxy.certificate().trustManagerFactory()).build()
                    .newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT, "localhost", proxy.port());
            CompletableFuture<String> head = new CompletableFuture<>();
            Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new io.netty.channel.ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(tls, new ChannelInboundHandlerAdapter() {
                                private final StringBuilder read = new StringBuilder();

                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    read.append(((ByteBuf) msg).toString(StandardCharsets.ISO_8859_1));
                                    ((ByteBuf) msg).release();
                                    if (read.indexOf("\r\n\r\n") >= 0) {
                                        head.complete(read.toString());
                                    }
                                }
                            });
                        }
                    })
                    .connect(proxy.address()).sync().channel();
            tls.handshakeFuture().sync();
            if (upgradeFirst) {
                channel.writeAndFlush(Unpooled.copiedBuffer(RawHttp.upgradeRequest(proxy.address(), "/echo"),
                        StandardCharsets.ISO_8859_1));
                assertThat(head.get(WAIT.toSeconds(), TimeUnit.SECONDS)).startsWith("HTTP/1.1 101");
            }

            tls.closeOutbound(); // close_notify; TCP stays open

            assertThat(channel.closeFuture().await(WAIT.toMillis()))
                    .as("the proxy closed the connection").isTrue();
            assertThat(tls.sslCloseFuture().await(WAIT.toMillis())).isTrue();
            assertThat(tls.sslCloseFuture().isSuccess()).as("a close_notify came back: " + tls.sslCloseFuture()).isFalse();
            if (upgradeFirst) {
                ConnectionRecord record = Awaitility.await().atMost(WAIT)
                        .until(() -> proxy.recording().attempt(1), ConnectionRecord::isClosed);
                assertThat(record.close().orElseThrow().closer()).as("who ended it").isEqualTo(Closer.CLIENT);
            }
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }
}
