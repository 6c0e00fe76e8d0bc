package io.github.wschaos.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;

/**
 * The upstream every target sits in front of: a Netty WebSocket server on 127.0.0.1 that echoes each data
 * frame as it is. Run as its own process ({@code main}) so that no target shares a process with it, or
 * in-process ({@link #start}) for the micro-benchmarks.
 */
public final class EchoServer implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel listener;

    private EchoServer(EventLoopGroup group, Channel listener) {
        this.group = group;
        this.listener = listener;
    }

    /** Starts an echo server on 127.0.0.1:{@code port} (0 for a free port) with {@code threads} event-loop threads. */
    public static EchoServer start(int port, int threads) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
        Channel listener = new ServerBootstrap()
                .group(group)
                .channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                new WebSocketServerProtocolHandler("/", null, false, 1 << 20),
                                new Echo());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
        return new EchoServer(group, listener);
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Echoes data frames; flushes once per read burst. */
    private static final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
        private boolean flushPending;

        Echo() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof BinaryWebSocketFrame || frame instanceof TextWebSocketFrame) {
                ctx.write(frame, ctx.voidPromise());
                flushPending = true;
            } else {
                frame.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (flushPending) {
                flushPending = false;
                ctx.flush();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** {@code EchoServer [threads]}: prints {@code LISTENING <port>}, runs until stdin closes. */
    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        try (EchoServer server = start(0, threads)) {
            System.out.println("LISTENING " + server.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // runs until the benchmark closes our stdin or kills us
            }
        }
    }
}
