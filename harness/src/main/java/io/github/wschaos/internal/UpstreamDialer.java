package io.github.wschaos.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.DefaultAddressResolverGroup;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * Opens the upstream side of one connection on the client's event loop: creates the channel, lets the caller set up
 * its pipeline, registers it and connects, all in the same event-loop pass. This is what Netty's {@code Bootstrap}
 * does, without what a proxy pays for on every handshake: a bootstrap and its option map per connection, a
 * {@code ChannelInitializer} (and its concurrent map) per connection, and a connect queued as a task behind the rest
 * of the event loop's work. A host name is looked up on every connect with Netty's default resolver, as
 * {@code Bootstrap} does.
 */
final class UpstreamDialer {

    private UpstreamDialer() {
    }

    /**
     * @param setUp adds the handlers to the new channel's pipeline (they are added once it is registered)
     * @return the connect future: failed, and the channel closed, if the channel cannot be created, registered,
     *     resolved or connected
     */
    static ChannelFuture dial(EventLoop loop, ChannelFactory<? extends Channel> factory, InetSocketAddress address,
            int connectTimeoutMillis, Consumer<Channel> setUp) {
        Channel channel = factory.newChannel();
        // Bound to the loop, not to the channel's: a channel that fails before it is registered has no loop yet.
        ChannelPromise connected = new DefaultChannelPromise(channel, loop);
        try {
            channel.config().setConnectTimeoutMillis(connectTimeoutMillis);
            setUp.accept(channel);
        } catch (RuntimeException e) {
            channel.unsafe().closeForcibly();
            return connected.setFailure(e);
        }
        ChannelFuture registered = loop.register(channel);
        if (registered.isDone()) {
            resolveAndConnect(registered, loop, address, connected);
        } else {
            registered.addListener(done -> resolveAndConnect(registered, loop, address, connected));
        }
        connected.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        return connected;
    }

    private static void resolveAndConnect(ChannelFuture registered, EventLoop loop, InetSocketAddress address,
            ChannelPromise connected) {
        Channel channel = registered.channel();
        if (!registered.isSuccess()) {
            if (channel.isRegistered()) {
                channel.close();
            } else {
                channel.unsafe().closeForcibly();
            }
            connected.setFailure(registered.cause());
            return;
        }
        if (!address.isUnresolved()) {
            channel.connect(address, connected);
            return;
        }
        AddressResolver<InetSocketAddress> resolver = DefaultAddressResolverGroup.INSTANCE.getResolver(loop);
        Future<InetSocketAddress> resolved = resolver.resolve(address);
        if (resolved.isDone()) {
            connectResolved(resolved, channel, connected);
        } else {
            resolved.addListener(done -> connectResolved(resolved, channel, connected));
        }
    }

    private static void connectResolved(Future<InetSocketAddress> resolved, Channel channel, ChannelPromise connected) {
        if (resolved.isSuccess()) {
            channel.connect(resolved.getNow(), connected);
        } else {
            connected.setFailure(resolved.cause());
        }
    }
}
