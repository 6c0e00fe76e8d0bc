package io.github.wschaos.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;

/** Small channel helpers shared by the handlers. */
final class Channels {

    private Channels() {
    }

    /** Closes {@code channel} once everything written to it so far is flushed. */
    static void closeOnFlush(Channel channel) {
        if (channel != null && channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else if (channel != null && !channel.closeFuture().isDone()) {
            // A channel closed already is left alone: closing it again does nothing but make an exception and a promise.
            channel.close();
        }
    }

    /** {@code 127.0.0.1:54321}, {@code [::1]:54321} (RFC 5952); another kind of address as it prints itself. */
    static String address(Object socketAddress) {
        if (socketAddress instanceof InetSocketAddress inet && !inet.isUnresolved()) {
            return NetUtil.toSocketAddressString(inet);
        }
        String text = String.valueOf(socketAddress);
        return text.startsWith("/") ? text.substring(1) : text;
    }

    /** Removes the handler called {@code name} from {@code channel}'s pipeline if it is there. */
    static void removeIfPresent(Channel channel, String name) {
        if (channel.pipeline().get(name) != null) {
            channel.pipeline().remove(name);
        }
    }
}
