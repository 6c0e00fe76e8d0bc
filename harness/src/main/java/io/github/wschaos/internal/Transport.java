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
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.Collection;
import java.util.concurrent.ThreadFactory;

/** The native epoll transport where it loads, NIO otherwise. */
enum Transport {
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
    };

    static Transport best() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

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
