package io.github.wschaos.internal;

import io.netty.channel.ChannelFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;

/**
 * What {@link Transport#EPOLL} needs of Netty's epoll classes, apart from {@link Transport}: those classes are
 * optional (netty-transport-classes-epoll), and this class loads only once {@link Transport} found them.
 */
final class EpollSupport {

    private EpollSupport() {
    }

    /** Why epoll cannot run here, or null; loads the channel classes, so that a link failure shows here. */
    static Throwable probe() {
        if (!Epoll.isAvailable()) {
            return Epoll.unavailabilityCause();
        }
        Transport.link(EpollServerSocketChannel.class, EpollSocketChannel.class);
        return null;
    }

    static IoHandlerFactory ioHandlerFactory() {
        return EpollIoHandler.newFactory();
    }

    static ChannelFactory<? extends ServerChannel> serverChannelFactory(SocketProtocolFamily family) {
        return () -> new EpollServerSocketChannel(family);
    }

    static ChannelFactory<? extends SocketChannel> clientChannelFactory(SocketProtocolFamily family) {
        return () -> new EpollSocketChannel(family);
    }
}
