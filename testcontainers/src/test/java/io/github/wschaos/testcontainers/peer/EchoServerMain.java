package io.github.wschaos.testcontainers.peer;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The WebSocket echo server the container tests run, in the {@code wschaos/test-peer} image or in the test's JVM:
 * Netty, upgrading on {@code /echo}, echoing every text frame. A request without {@code Upgrade: websocket} gets
 * {@code 426 Upgrade Required}, as Node's {@code ws} answers it.
 *
 * <p>{@code java ... EchoServerMain [host] [port]} (default {@code 0.0.0.0 8080}) prints {@code LISTENING port} once
 * bound, which is what the container's wait strategy looks for.
 */
public final class EchoServerMain implements AutoCloseable {

    /** What the server prints once bound, followed by the port. */
    public static final String LISTENING = "LISTENING ";

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;

    private EchoServerMain(String host, int port) {
        channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536), new UpgradeRequired(),
                                new WebSocketServerProtocolHandler("/echo", null, true), new Echo());
                    }
                })
                .bind(host, port)
                .syncUninterruptibly()
                .channel();
    }

    /**
     * Starts a server.
     *
     * @param host the address to bind
     * @param port the port, 0 for any
     * @return the running server
     */
    public static EchoServerMain start(String host, int port) {
        return new EchoServerMain(host, port);
    }

    /** The bound port. */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * Runs the server until the process is stopped.
     *
     * @param args {@code [host] [port]}
     */
    public static void main(String[] args) throws InterruptedException {
        EchoServerMain server = start(args.length > 0 ? args[0] : "0.0.0.0", args.length > 1 ? Integer.parseInt(args[1]) : 8080);
        System.out.println(LISTENING + server.port());
        server.channel.closeFuture().sync();
    }

    /** Answers 426 to a request that asks for no upgrade. */
    private static final class UpgradeRequired extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpRequest request
                    && !request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
                request.release();
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.UPGRADE_REQUIRED,
                        Unpooled.copiedBuffer("Upgrade Required", StandardCharsets.US_ASCII));
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain")
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.fireChannelRead(msg);
        }
    }

    private static final class Echo extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            ctx.writeAndFlush(frame.retain());
        }
    }
}
