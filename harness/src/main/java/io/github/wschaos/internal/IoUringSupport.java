package io.github.wschaos.internal;

import io.netty.channel.ChannelFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;

/**
 * What {@link Transport#IO_URING} needs of Netty's io_uring classes, apart from {@link Transport}: those classes are
 * optional (netty-transport-classes-io_uring), and this class loads only once {@link Transport} found them.
 */
final class IoUringSupport {

    private IoUringSupport() {
    }

    /** Why io_uring cannot run here, or null; loads the channel classes, so that a link failure shows here. */
    static Throwable probe() {
        if (!IoUring.isAvailable()) {
            return IoUring.unavailabilityCause();
        }
        Transport.link(IoUringServerSocketChannel.class, IoUringSocketChannel.class);
        return null;
    }

    static IoHandlerFactory ioHandlerFactory() {
        return IoUringIoHandler.newFactory();
    }

    static ChannelFactory<? extends ServerChannel> serverChannelFactory() {
        // io_uring's channels take no protocol family: their sockets are dual stack where IPv6 is there.
        return IoUringServerSocketChannel::new;
    }

    static ChannelFactory<? extends SocketChannel> clientChannelFactory() {
        return IoUringSocketChannel::new;
    }
}
