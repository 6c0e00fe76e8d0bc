package io.github.wschaos.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPromise;

/**
 * {@code Bandwidth}: each chunk leaves once its transmission time at the rate has passed after the one before it;
 * chunks larger than 100 ms worth of bytes leave in 100 ms pieces, as in Toxiproxy.
 */
final class BandwidthToxic extends Pacer {

    private final long bytesPerMilli;
    private final int pieceBytes;

    /** @param rate kilobytes (1000 bytes) per second, which is bytes per millisecond */
    BandwidthToxic(ToxicChain chain, String cause, long rate) {
        super(chain, cause);
        this.bytesPerMilli = rate;
        // A rate past 21 GB/s is not limited in practice; rate * 100 would overflow (Long.MAX_VALUE for "unlimited").
        this.pieceBytes = rate > Integer.MAX_VALUE / 100 ? Integer.MAX_VALUE : (int) (rate * 100);
    }

    @Override
    void pace(ByteBuf buffer, ChannelPromise promise, long nowNanos) {
        long cursor = lastDue() - nowNanos > 0 ? lastDue() : nowNanos;
        while (buffer.readableBytes() > pieceBytes) {
            cursor += transmissionNanos(pieceBytes);
            hold(buffer.readRetainedSlice(pieceBytes), ctx.newPromise(), cursor);
        }
        cursor += transmissionNanos(buffer.readableBytes());
        hold(buffer, promise, cursor);
    }

    private long transmissionNanos(int bytes) {
        return bytes * 1_000_000L / bytesPerMilli;
    }
}
