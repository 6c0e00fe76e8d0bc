package io.github.wschaos.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPromise;
import java.util.SplittableRandom;

/** {@code Latency}: each chunk leaves {@code latency ± jitter} after it arrived, never before the chunk ahead of it. */
final class LatencyToxic extends Pacer {

    private final long latencyNanos;
    private final long jitterNanos;
    private final SplittableRandom random;

    LatencyToxic(ToxicChain chain, String cause, long latencyNanos, long jitterNanos, SplittableRandom random) {
        super(chain, cause);
        this.latencyNanos = latencyNanos;
        this.jitterNanos = jitterNanos;
        this.random = random;
    }

    @Override
    void pace(ByteBuf buffer, ChannelPromise promise, long nowNanos) {
        long delay = latencyNanos;
        if (jitterNanos > 0) {
            delay += random.nextLong(2 * jitterNanos) - jitterNanos;
        }
        hold(buffer, promise, nowNanos + Math.max(0, delay));
    }
}
