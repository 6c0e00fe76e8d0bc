package io.github.wschaos.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Netty WebSocket client that writes frames exactly as given (fragments, pings) and records every frame
 * it receives in a {@link FrameRecorder}. It answers pings with pongs and the server's close by closing.
 * Optionally over TLS, optionally offering {@code permessage-deflate}.
 */
public final class ScriptedWebSocketClient implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final FrameRecorder recorder = new FrameRecorder();
    private final CompletableFuture<Void> handshake = new CompletableFuture<>();
    private final Channel channel;

    private ScriptedWebSocketClient(URI uri, SslContext tls, boolean deflate) {
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .allowExtensions(deflate)
                .maxFramePayloadLength(ScriptedWebSocketServer.MAX_FRAME)
                .handshakeTimeoutMillis(10_000)
                .build();
        channel = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.ALLOCATOR, ScriptedWebSocketServer.PEER_ALLOCATOR)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), uri.getHost(), uri.getPort()));
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536));
                        if (deflate) {
                            ch.pipeline().addLast(new WebSocketClientCompressionHandler(0));
                        }
                        ch.pipeline().addLast(recorder, new WebSocketClientProtocolHandler(config), new Sink());
                    }
                })
                .connect(uri.getHost(), uri.getPort())
                .syncUninterruptibly()
                .channel();
    }

    /**
     * Connects to {@code uri} ({@code ws://} or, with {@code tls}, {@code wss://}) and waits for the handshake.
     *
     * @param tls the client TLS context, or null for {@code ws://}
     * @param deflate whether to offer {@code permessage-deflate}
     */
    public static ScriptedWebSocketClient connect(URI uri, SslContext tls, boolean deflate) throws Exception {
        ScriptedWebSocketClient client = new ScriptedWebSocketClient(uri, tls, deflate);
        try {
            client.handshake.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            client.close();
            throw e;
        }
        return client;
    }

    /** Writes {@code frames} in order, then flushes. */
    public void send(List<WsFrame> frames) {
        channel.eventLoop().execute(() -> {
            for (WsFrame frame : frames) {
                channel.write(frame.toNetty(), channel.voidPromise());
            }
            channel.flush();
        });
    }

    /** Sends a close frame and waits until the server's answer has closed the connection. */
    public void closeHandshake(int code, String reason, Duration timeout) throws InterruptedException {
        channel.writeAndFlush(new CloseWebSocketFrame(code, reason));
        if (!channel.closeFuture().await(timeout.toMillis())) {
            throw new AssertionError("connection still open " + timeout + " after sending close " + code);
        }
    }

    /** Whether {@code permessage-deflate} was negotiated: Netty added its deflate codec to the pipeline. */
    public boolean compressionNegotiated() {
        return channel.pipeline().names().stream().anyMatch(name -> name.contains("PerMessageDeflate"));
    }

    /** What this client received. */
    public FrameRecorder received() {
        return recorder;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Completes the handshake future; drops the frames that reach it (they are recorded already). */
    private final class Sink extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                handshake.complete(null);
            } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                handshake.completeExceptionally(new IllegalStateException("WebSocket handshake timed out"));
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            handshake.completeExceptionally(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            handshake.completeExceptionally(new IllegalStateException("connection closed before the handshake"));
            ctx.fireChannelInactive();
        }
    }
}
