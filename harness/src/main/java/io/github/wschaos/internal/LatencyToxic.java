package io.github.wschaos.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPromise;
import java.util.SplittableRandom;

/**
 * {@code Latency}: each chunk leaves {@code latency ± jitter} after it arrived, never before the chunk ahead of it. Up to
 * 1,024 chunks are held before the relay stops reading, as Toxiproxy buffers them, "to prevent added latency from
 * limiting the proxy bandwidth": a 1 MiB message arrives about one latency late, not one per 64 KiB window.
 */
final class LatencyToxic extends Pacer {

    /** Toxiproxy's {@code LatencyToxic.GetBufferSize()}. */
    private static final int BUFFERED_CHUNKS = 1024;

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
    int bufferedWrites() {
        return BUFFERED_CHUNKS;
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
