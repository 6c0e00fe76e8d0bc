package io.github.wschaos.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Opening the upstream side of a connection on a real event loop of the proxy's transport, to real sockets. */
class UpstreamDialerTest {

    private final List<Thread> threads = new ArrayList<>();
    private final Transport transport = Transport.best();
    private EventLoopGroup group;
    private EventLoop loop;

    @BeforeEach
    void startLoop() {
        group = transport.newGroup(1, "dialer-test", threads);
        loop = group.next();
    }

    @AfterEach
    void stopLoop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void connectsWithThePipelineTheCallerSetUp() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = (InetSocketAddress) server.getLocalSocketAddress();
            ChannelFuture connected = dial(address, channel -> channel.pipeline().addLast("marker",
                    new ChannelInboundHandlerAdapter()));
            try (Socket accepted = server.accept()) {
                assertThat(connected.await(5, TimeUnit.SECONDS)).isTrue();
                assertThat(connected.isSuccess()).as(String.valueOf(connected.cause())).isTrue();
                assertThat(connected.channel().pipeline().get("marker")).isNotNull();
                assertThat(connected.channel().eventLoop()).isSameAs(loop);
                assertThat(((InetSocketAddress) connected.channel().localAddress()).getPort())
                        .isEqualTo(accepted.getPort());
            } finally {
                connected.channel().close().syncUninterruptibly();
            }
        }
    }

    @Test
    void aRefusedConnectFailsTheFutureAndClosesTheChannel() throws Exception {
        InetSocketAddress nothingListens;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nothingListens = (InetSocketAddress) closed.getLocalSocketAddress();
        }
        ChannelFuture connected = dial(nothingListens, channel -> { });
        assertThat(connected.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(connected.cause()).isInstanceOf(ConnectException.class);
        assertThat(connected.channel().closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aSetUpThatThrowsFailsTheFutureWithItsExceptionAndClosesTheChannel() throws Exception {
        IllegalStateException broken = new IllegalStateException("no TLS engine for this upstream");
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
        ChannelFuture connected = dial(address, channel -> {
            throw broken;
        });
        CompletableFuture<Throwable> told = new CompletableFuture<>();
        loop.execute(() -> connected.addListener((ChannelFutureListener) done -> told.complete(done.cause())));
        assertThat(told.get(5, TimeUnit.SECONDS)).isSameAs(broken);
        // Closed for good, so that a proxy that tracks its channels can close them all later.
        assertThat(connected.channel().closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(connected.channel().isOpen()).isFalse();
    }

    @Test
    void dialingFromAnotherThreadIsRefused() {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
        assertThatThrownBy(() -> UpstreamDialer.dial(loop,
                        transport.clientChannelFactory(Transport.familyOf(address)), address, 5000, channel -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("from its own event loop");
    }

    /** Dials from the event loop, as the proxy does. */
    private ChannelFuture dial(InetSocketAddress address, Consumer<Channel> setUp) throws Exception {
        return loop.submit(() -> UpstreamDialer.dial(loop,
                transport.clientChannelFactory(Transport.familyOf(address)), address, 5000, setUp)).get(5, TimeUnit.SECONDS);
    }
}
