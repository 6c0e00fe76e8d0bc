package io.github.wschaos.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * A real Netty WebSocket server on loopback, upgrading on its path and any path under it, that echoes every data frame back unchanged, answers pings,
 * and echoes a close frame's code and reason. Text messages starting with {@link #QUIET} get no answer. Accepts {@code permessage-deflate} and any subprotocol
 * listed in {@code subprotocols}.
 */
public final class NettyEchoServer implements AutoCloseable {

    /** Text messages starting with this are not echoed: the server stays silent. */
    public static final String QUIET = "quiet";

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;
    private final String path;

    private NettyEchoServer(String path, String subprotocols) {
        this.path = path;
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(path)
                .checkStartsWith(true)
                .subprotocols(subprotocols)
                .allowExtensions(true)
                .maxFramePayloadLength(64 * 1024 * 1024)
                .handleCloseFrames(false)
                .dropPongFrames(false)
                .build();
        channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerCompressionHandler(0), new WebSocketServerProtocolHandler(config),
                                new Echo());
                    }
                })
                .bind("127.0.0.1", 0)
                .syncUninterruptibly()
                .channel();
    }

    /** An echo server at {@code /echo}. */
    public static NettyEchoServer start() {
        return new NettyEchoServer("/echo", null);
    }

    /** An echo server at {@code path} that accepts {@code subprotocols} (comma-separated), or any if null. */
    public static NettyEchoServer start(String path, String subprotocols) {
        return new NettyEchoServer(path, subprotocols);
    }

    public URI uri() {
        return URI.create("ws://127.0.0.1:" + ((InetSocketAddress) channel.localAddress()).getPort() + path);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof CloseWebSocketFrame close) {
                ctx.writeAndFlush(new CloseWebSocketFrame(close.isFinalFragment(), close.rsv(), close.content().retain()))
                        .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                return;
            }
            if (frame instanceof TextWebSocketFrame text && text.text().startsWith(QUIET)) {
                return;
            }
            ctx.writeAndFlush(frame.retain());
        }
    }
}
