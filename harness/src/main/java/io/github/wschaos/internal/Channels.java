package io.github.wschaos.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;

/** Small channel helpers shared by the handlers. */
final class Channels {

    private Channels() {
    }

    /** Closes {@code channel} once everything written to it so far is flushed. */
    static void closeOnFlush(Channel channel) {
        if (channel != null && channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else if (channel != null) {
            channel.close();
        }
    }

    static String address(Object socketAddress) {
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
