package io.github.wschaos.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * Opens the upstream side of one connection on the client's event loop: creates the channel, registers it, lets the
 * caller set up its pipeline and connects, all in the same event-loop pass. This is what Netty's {@code Bootstrap}
 * does, without what a proxy pays for on every handshake: a bootstrap and its option map per connection, a
 * {@code ChannelInitializer} (and its concurrent map) per connection, and a connect queued as a task behind the rest
 * of the event loop's work. The address is resolved already ({@link UpstreamConnector} resolves a host name and
 * tries each of its addresses).
 */
final class UpstreamDialer {

    private UpstreamDialer() {
    }

    /**
     * Must be called on {@code loop}, where a channel registers at once.
     *
     * @param setUp adds the handlers to the new channel's pipeline; the channel is registered (its
     *     {@code channelRegistered} is over) and not yet connected
     * @param address a resolved address
     * @return the connect future: failed, and the channel closed, if the set-up throws or the upstream cannot be
     *     connected
     * @throws ChannelException if no channel can be opened or registered (the open-files limit, say); nothing is
     *     left open then
     */
    static ChannelFuture dial(EventLoop loop, ChannelFactory<? extends Channel> factory, InetSocketAddress address,
            int connectTimeoutMillis, Consumer<Channel> setUp) {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("an upstream channel is dialled from its own event loop");
        }
        Channel channel = factory.newChannel();
        ChannelFuture registered = loop.register(channel);
        if (!registered.isSuccess()) {
            if (channel.isRegistered()) {
                channel.close();
            } else {
                channel.unsafe().closeForcibly();
            }
            throw new ChannelException("the upstream channel could not be registered with the event loop",
                    registered.cause());
        }
        try {
            channel.config().setConnectTimeoutMillis(connectTimeoutMillis);
            setUp.accept(channel);
        } catch (Throwable e) {
            channel.close();
            return channel.newFailedFuture(e);
        }
        ChannelPromise connected = channel.newPromise();
        // Added first, so a failed connect's channel is closed before the caller hears of the failure; a channel whose
        // connect failed was never active, so no handler of it sees channelInactive.
        connected.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        channel.connect(address, connected);
        return connected;
    }
}
