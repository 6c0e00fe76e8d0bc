package io.github.wschaos.internal;

import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;

/**
 * The event-loop transport: io_uring where the kernel offers it, epoll where that loads, NIO otherwise; the system
 * property {@value #PROPERTY} ({@code io_uring}, {@code epoll} or {@code nio}) forces one.
 */
enum Transport {
    IO_URING {
        @Override
        IoHandlerFactory ioHandlerFactory() {
            return IoUringIoHandler.newFactory();
        }

        @Override
        ChannelFactory<? extends ServerChannel> serverChannelFactory(SocketProtocolFamily family) {
            // io_uring's channels take no protocol family: their sockets are dual stack where IPv6 is there.
            return IoUringServerSocketChannel::new;
        }

        @Override
        ChannelFactory<? extends SocketChannel> clientChannelFactory(SocketProtocolFamily family) {
            return IoUringSocketChannel::new;
        }

        @Override
        Throwable unavailability() {
            avoidMultishotPoll();
            return IoUring.isAvailable() ? null : IoUring.unavailabilityCause();
        }
    },
    EPOLL {
        @Override
        IoHandlerFactory ioHandlerFactory() {
            return EpollIoHandler.newFactory();
        }

        @Override
        ChannelFactory<? extends ServerChannel> serverChannelFactory(SocketProtocolFamily family) {
            return () -> new EpollServerSocketChannel(family);
        }

        @Override
        ChannelFactory<? extends SocketChannel> clientChannelFactory(SocketProtocolFamily family) {
            return () -> new EpollSocketChannel(family);
        }

        @Override
        Throwable unavailability() {
            return Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
        }
    },
    NIO {
        @Override
        IoHandlerFactory ioHandlerFactory() {
            return NioIoHandler.newFactory();
        }

        @Override
        ChannelFactory<? extends ServerChannel> serverChannelFactory(SocketProtocolFamily family) {
            return () -> new NioServerSocketChannel(SelectorProvider.provider(), family);
        }

        @Override
        ChannelFactory<? extends SocketChannel> clientChannelFactory(SocketProtocolFamily family) {
            return () -> new NioSocketChannel(SelectorProvider.provider(), family);
        }

        @Override
        Throwable unavailability() {
            return null;
        }
    };

    /** The system property that forces a transport. */
    static final String PROPERTY = "wschaos.transport";

    /** Netty's switch for io_uring's multishot {@code POLL_ADD}, read once, when Netty's {@code IoUring} class loads. */
    private static final String MULTISHOT_POLL = "io.netty.iouring.pollAddMultishotEnabled";

    /**
     * Turns Netty's multishot {@code POLL_ADD} off, unless the JVM was told otherwise: with it, Netty 4.2.18 missed a
     * {@code wss://} upstream's reset right after a TLS 1.3 handshake (the session tickets, then the RST) about one
     * time in two, and the client waited for an answer until it gave up; without it, never in the same measurement
     * (UpstreamResetAfterTlsHandshakeTest), and likewise a reset right after part of a frame or a head from either
     * peer (PeerResetMidMessageTest: 479 of 2,000 upstream connections left open, 48 of 1,000 clients hung, all of
     * them gone without it). It must be set before Netty's io_uring classes load; if they loaded earlier (the
     * application under test uses io_uring too), Netty's own setting stays.
     */
    private static void avoidMultishotPoll() {
        if (System.getProperty(MULTISHOT_POLL) == null) {
            System.setProperty(MULTISHOT_POLL, "false");
        }
    }

    /**
     * The transport {@value #PROPERTY} names, else the first available of io_uring, epoll and NIO.
     *
     * @throws IllegalArgumentException naming the value when it is not a transport, or the transport it names
     *     cannot run here (with the reason)
     */
    static Transport best() {
        return select(System.getProperty(PROPERTY));
    }

    static Transport select(String forced) {
        if (forced == null || forced.isBlank()) {
            for (Transport transport : values()) {
                if (transport.unavailability() == null) {
                    return transport;
                }
            }
            return NIO;
        }
        Transport transport = named(forced.trim());
        Throwable cause = transport.unavailability();
        if (cause != null) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + forced + ": the " + transport.label()
                    + " transport is not available here (" + cause + "); accepted are " + labels()
                    + ", or no value for the best available", cause);
        }
        return transport;
    }

    private static Transport named(String name) {
        for (Transport transport : values()) {
            if (transport.label().equals(name.toLowerCase(Locale.ROOT))) {
                return transport;
            }
        }
        throw new IllegalArgumentException("-D" + PROPERTY + "=" + name + " is not a transport; accepted are "
                + labels() + ", or no value for the best available");
    }

    private static String labels() {
        return String.join(", ", Arrays.stream(values()).map(Transport::label).toList());
    }

    /** The name {@value #PROPERTY} takes: {@code io_uring}, {@code epoll}, {@code nio}. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Why this transport cannot run here, or null if it can. */
    abstract Throwable unavailability();

    abstract IoHandlerFactory ioHandlerFactory();

    /**
     * Sockets of {@code family}, or of the platform's default (dual stack where IPv6 is there) for null: an IPv4
     * socket for an IPv4 address saves the dual-stack socket's extra setup call on every connection.
     */
    abstract ChannelFactory<? extends ServerChannel> serverChannelFactory(SocketProtocolFamily family);

    abstract ChannelFactory<? extends SocketChannel> clientChannelFactory(SocketProtocolFamily family);

    /** IPv4 for a resolved IPv4 address; null (the platform's default) otherwise. */
    static SocketProtocolFamily familyOf(InetSocketAddress address) {
        return !address.isUnresolved() && address.getAddress() instanceof Inet4Address ? SocketProtocolFamily.INET : null;
    }

    /** A group of daemon threads named after {@code name}; each thread is also added to {@code started}. */
    EventLoopGroup newGroup(int threads, String name, Collection<Thread> started) {
        ThreadFactory factory = new DefaultThreadFactory(name, true) {
            @Override
            public Thread newThread(Runnable task) {
                Thread thread = super.newThread(task);
                started.add(thread);
                return thread;
            }
        };
        return new MultiThreadIoEventLoopGroup(threads, factory, ioHandlerFactory());
    }
}
