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
import io.netty.util.concurrent.DefaultThreadFactory;
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
        ChannelFactory<? extends ServerChannel> serverChannelFactory() {
            return EpollServerSocketChannel::new;
        }

        @Override
        ChannelFactory<? extends SocketChannel> clientChannelFactory() {
            return EpollSocketChannel::new;
        }
    },
    NIO {
        @Override
        IoHandlerFactory ioHandlerFactory() {
            return NioIoHandler.newFactory();
        }

        @Override
        ChannelFactory<? extends ServerChannel> serverChannelFactory() {
            return NioServerSocketChannel::new;
        }

        @Override
        ChannelFactory<? extends SocketChannel> clientChannelFactory() {
            return NioSocketChannel::new;
        }
    };

    static Transport best() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    abstract IoHandlerFactory ioHandlerFactory();

    abstract ChannelFactory<? extends ServerChannel> serverChannelFactory();

    abstract ChannelFactory<? extends SocketChannel> clientChannelFactory();

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
