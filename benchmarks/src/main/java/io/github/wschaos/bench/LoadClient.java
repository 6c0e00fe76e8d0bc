package io.github.wschaos.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one load client every target is measured with: Netty on the native transport, raw bytes on the wire.
 * It sends the upgrade request and pre-built masked binary frames and counts the echoed bytes (the echo
 * server answers each frame with one unmasked frame of the same payload), so it spends almost nothing on
 * WebSocket codec work and the same for every target.
 */
final class LoadClient implements AutoCloseable {

    private static final byte[] MASK = {0x11, 0x22, 0x33, 0x44};

    private final EventLoopGroup group;

    LoadClient(int threads) {
        this.group = new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    // ---- building blocks ------------------------------------------------------------------------------

    /** A masked binary frame carrying {@code size} bytes. */
    static ByteBuf frame(int size) {
        ByteBuf frame = Unpooled.directBuffer(size + 14);
        frame.writeByte(0x82);
        if (size < 126) {
            frame.writeByte(0x80 | size);
        } else if (size < 65536) {
            frame.writeByte(0x80 | 126).writeShort(size);
        } else {
            frame.writeByte(0x80 | 127).writeLong(size);
        }
        frame.writeBytes(MASK);
        for (int i = 0; i < size; i++) {
            frame.writeByte((i & 0x7F) ^ MASK[i & 3]);
        }
        return frame;
    }

    /** Bytes of the server's (unmasked) answer to a frame of {@code size} bytes. */
    static int responseSize(int size) {
        return size + (size < 126 ? 2 : size < 65536 ? 4 : 10);
    }

    private static final ByteBuf CLOSE_FRAME = Unpooled.unreleasableBuffer(Unpooled.directBuffer(8)
            .writeByte(0x88).writeByte(0x82).writeBytes(MASK).writeByte(0x03 ^ MASK[0]).writeByte(0xE8 ^ MASK[1]));

    private static ByteBuf upgradeRequest(int port) {
        String request = "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        return Unpooled.unreleasableBuffer(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
    }

    private enum Mode { IDLE, CLOSED_LOOP, FIXED_RATE, STORM }

    /** One client connection; all its state is touched on its event loop only. */
    final class Conn extends ChannelInboundHandlerAdapter {
        private final ByteBuf request;
        private final Runnable onUpgraded;
        private final Runnable onDone;
        Channel channel;
        private boolean upgraded;
        private final StringBuilder head = new StringBuilder();
        volatile boolean failed;

        private Mode mode = Mode.IDLE;
        private ByteBuf frame;
        private int responseSize;
        private long pending;
        private boolean flushPending;
        int inFlight;
        // closed loop
        private volatile boolean stop;
        private LongAdder completed;
        // fixed rate
        private long[] sentAt = new long[64];
        private int head0;
        private int tail0;
        long[] samples = new long[0];
        int sampleCount;
        volatile boolean recordSamples;
        private ScheduledFuture<?> ticker;

        Conn(ByteBuf request, Runnable onUpgraded, Runnable onDone) {
            this.request = request;
            this.onUpgraded = onUpgraded;
            this.onDone = onDone;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            ctx.writeAndFlush(request.duplicate());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                if (!upgraded) {
                    readHead(ctx, in);
                    return;
                }
                if (mode == Mode.STORM) {
                    ctx.close();
                    return;
                }
                pending += in.readableBytes();
                while (responseSize > 0 && pending >= responseSize) {
                    pending -= responseSize;
                    inFlight--;
                    response(ctx);
                }
            } finally {
                in.release();
            }
        }

        private void readHead(ChannelHandlerContext ctx, ByteBuf in) {
            head.append(in.toString(StandardCharsets.ISO_8859_1));
            int end = head.indexOf("\r\n\r\n");
            if (end < 0) {
                return;
            }
            if (head.indexOf("HTTP/1.1 101") != 0) {
                failed = true;
                ctx.close();
                return;
            }
            upgraded = true;
            pending = head.length() - (end + 4);
            if (mode == Mode.STORM) {
                ctx.writeAndFlush(CLOSE_FRAME.duplicate());
            }
            onUpgraded.run();
        }

        private void response(ChannelHandlerContext ctx) {
            if (mode == Mode.CLOSED_LOOP) {
                completed.increment();
                if (!stop) {
                    send(ctx.channel());
                }
            } else if (mode == Mode.FIXED_RATE) {
                long sent = sentAt[head0++ & (sentAt.length - 1)];
                if (recordSamples) {
                    if (sampleCount == samples.length) {
                        samples = Arrays.copyOf(samples, Math.max(1024, samples.length * 2));
                    }
                    samples[sampleCount++] = System.nanoTime() - sent;
                }
            }
        }

        private void send(Channel ch) {
            inFlight++;
            ch.write(frame.retainedDuplicate(), ch.voidPromise());
            flushPending = true;
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (flushPending) {
                flushPending = false;
                ctx.flush();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!upgraded) {
                failed = true;
                onUpgraded.run();
            }
            if (ticker != null) {
                ticker.cancel(false);
            }
            onDone.run();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failed = true;
            ctx.close();
        }

        /** Closed loop: one message in flight, the next sent when its echo is in. */
        void startClosedLoop(ByteBuf frame, int size, LongAdder completed) {
            channel.eventLoop().execute(() -> {
                this.mode = Mode.CLOSED_LOOP;
                this.frame = frame;
                this.responseSize = responseSize(size);
                this.completed = completed;
                this.stop = false;
                send(channel);
                channel.flush();
            });
        }

        void stop() {
            stop = true;
        }

        /** Fixed rate: a message every {@code intervalNanos} from {@code firstDelayNanos} on, whether or not echoes are in. */
        void startFixedRate(ByteBuf frame, int size, long firstDelayNanos, long intervalNanos) {
            channel.eventLoop().execute(() -> {
                this.mode = Mode.FIXED_RATE;
                this.frame = frame;
                this.responseSize = responseSize(size);
                long start = System.nanoTime() + firstDelayNanos;
                long[] tick = {0};
                ticker = channel.eventLoop().scheduleAtFixedRate(() -> {
                    // The intended send time, so that a late send (the event loop busy) counts against the target.
                    long intended = start + tick[0]++ * intervalNanos;
                    if (tail0 - head0 == sentAt.length) {
                        sentAt = grow(sentAt, head0, tail0);
                        tail0 -= head0;
                        head0 = 0;
                    }
                    sentAt[tail0++ & (sentAt.length - 1)] = intended;
                    send(channel);
                    flushPending = false;
                    channel.flush();
                }, firstDelayNanos, intervalNanos, TimeUnit.NANOSECONDS);
            });
        }

        void stopFixedRate(CountDownLatch stopped) {
            channel.eventLoop().execute(() -> {
                if (ticker != null) {
                    ticker.cancel(false);
                }
                stopped.countDown();
            });
        }

        ChannelFuture closeGracefully() {
            if (channel.isActive()) {
                channel.writeAndFlush(CLOSE_FRAME.duplicate());
                channel.eventLoop().schedule(() -> channel.close(), 2, TimeUnit.SECONDS);
            }
            return channel.closeFuture();
        }
    }

    private static long[] grow(long[] ring, int head, int tail) {
        long[] bigger = new long[ring.length * 2];
        for (int i = head, j = 0; i < tail; i++, j++) {
            bigger[j] = ring[i & (ring.length - 1)];
        }
        return bigger;
    }

    private Bootstrap bootstrap() {
        return new Bootstrap().group(group).channel(EpollSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
    }

    /** Opens {@code n} upgraded connections to 127.0.0.1:{@code port}, at most 128 handshakes at a time. */
    /** {@code n} upgraded connections; fails if any of them could not be opened or upgraded. */
    List<Conn> open(int port, int n) throws InterruptedException {
        List<Conn> conns = openAllowingFailures(port, n);
        long failed = conns.stream().filter(c -> c.failed).count();
        if (failed > 0) {
            closeAll(conns);
            throw new IllegalStateException(failed + " of " + n + " connections to port " + port + " failed to upgrade");
        }
        return conns;
    }

    /** {@code n} connection attempts; those that could not be opened or upgraded are marked {@link Conn#failed}. */
    List<Conn> openAllowingFailures(int port, int n) throws InterruptedException {
        ByteBuf request = upgradeRequest(port);
        Semaphore handshakes = new Semaphore(128);
        CountDownLatch all = new CountDownLatch(n);
        List<Conn> conns = new ArrayList<>(n);
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        for (int i = 0; i < n; i++) {
            handshakes.acquire();
            AtomicInteger once = new AtomicInteger();
            Conn conn = new Conn(request, () -> {
                if (once.getAndIncrement() == 0) {
                    handshakes.release();
                    all.countDown();
                }
            }, () -> { });
            conns.add(conn);
            bootstrap().handler(conn).connect(address).addListener(f -> {
                if (!f.isSuccess()) {
                    conn.failed = true;
                    if (once.getAndIncrement() == 0) {
                        handshakes.release();
                        all.countDown();
                    }
                }
            });
        }
        if (!all.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("handshakes to port " + port + " did not finish in 120 s");
        }
        return conns;
    }

    static void closeAll(List<Conn> conns) {
        List<ChannelFuture> closes = new ArrayList<>();
        for (Conn conn : conns) {
            if (conn.channel != null) {
                closes.add(conn.closeGracefully());
            }
        }
        for (ChannelFuture close : closes) {
            close.awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    // ---- the loads -----------------------------------------------------------------------------------------

    /**
     * Result of a closed-loop run: round trips completed, over how long, the target's CPU spent meanwhile, and the
     * part of it that its JIT compiler threads took.
     */
    record Throughput(long messages, long nanos, long cpuNanos, long compilerNanos) {
        double perSecond() {
            return messages * 1e9 / nanos;
        }

        double cpuMillisPerThousand() {
            return cpuNanos / 1e6 / (messages / 1000.0);
        }
    }

    Throughput closedLoop(Targets.Target target, int connections, int size, long warmupMillis, long measureMillis)
            throws InterruptedException {
        return closedLoop(target, connections, size, warmupMillis, measureMillis, () -> { }, () -> { });
    }

    /** A closed loop that runs {@code atStart} and {@code atEnd} where its CPU reading starts and ends. */
    Throughput closedLoop(Targets.Target target, int connections, int size, long warmupMillis, long measureMillis,
            Runnable atStart, Runnable atEnd) throws InterruptedException {
        List<Conn> conns = open(target.port(), connections);
        ByteBuf frame = frame(size);
        try {
            LongAdder completed = new LongAdder();
            for (Conn conn : conns) {
                conn.startClosedLoop(frame, size, completed);
            }
            Thread.sleep(warmupMillis);
            atStart.run();
            Child.CpuMark cpu0 = target.cpuMark();
            long c0 = completed.sum();
            long t0 = System.nanoTime();
            Thread.sleep(measureMillis);
            long c1 = completed.sum();
            long t1 = System.nanoTime();
            Child.CpuMark cpu1 = target.cpuMark();
            atEnd.run();
            conns.forEach(Conn::stop);
            return new Throughput(c1 - c0, t1 - t0, cpu1.nanosSince(cpu0), cpu1.compilerNanosSince(cpu0));
        } finally {
            Thread.sleep(50);
            closeAll(conns);
            frame.release();
        }
    }

    /** Round-trip times in nanoseconds, sorted, at {@code rate} messages/s in total over {@code connections}. */
    long[] fixedRate(Targets.Target target, int connections, int size, int rate, long warmupMillis, long measureMillis)
            throws InterruptedException {
        List<Conn> conns = open(target.port(), connections);
        ByteBuf frame = frame(size);
        try {
            long interval = 1_000_000_000L * connections / rate;
            for (int i = 0; i < conns.size(); i++) {
                conns.get(i).startFixedRate(frame, size, interval * i / connections + 1_000_000, interval);
            }
            Thread.sleep(warmupMillis);
            conns.forEach(c -> c.recordSamples = true);
            Thread.sleep(measureMillis);
            conns.forEach(c -> c.recordSamples = false);
            CountDownLatch stopped = new CountDownLatch(conns.size());
            conns.forEach(c -> c.stopFixedRate(stopped));
            stopped.await(5, TimeUnit.SECONDS);
            Thread.sleep(100);
            int total = 0;
            for (Conn conn : conns) {
                total += conn.sampleCount;
            }
            long[] all = new long[total];
            int at = 0;
            for (Conn conn : conns) {
                System.arraycopy(conn.samples, 0, all, at, conn.sampleCount);
                at += conn.sampleCount;
            }
            Arrays.sort(all);
            return all;
        } finally {
            closeAll(conns);
            frame.release();
        }
    }

    /**
     * Result of a handshake storm: handshakes per second, the target's CPU time meanwhile, the part of it that its JIT
     * compiler threads took (a JVM target's code still being compiled), and each cycle's time from connect to the
     * 101 and to the close, sorted.
     */
    record Storm(int handshakes, long nanos, long cpuNanos, long compilerNanos, long[] upgradeNanos, long[] cycleNanos) {
        double perSecond() {
            return handshakes * 1e9 / nanos;
        }

        double cpuMillisPerThousand() {
            return cpuNanos / 1e6 / (handshakes / 1000.0);
        }

        double compilerMillisPerThousand() {
            return compilerNanos / 1e6 / (handshakes / 1000.0);
        }
    }

    /** {@code total} connect-upgrade-close cycles, {@code concurrency} at a time. */
    Storm storm(Targets.Target target, int total, int concurrency) throws InterruptedException {
        ByteBuf request = upgradeRequest(target.port());
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", target.port());
        Semaphore slots = new Semaphore(concurrency);
        CountDownLatch done = new CountDownLatch(total);
        AtomicInteger failures = new AtomicInteger();
        Child.CpuMark cpu0 = target.cpuMark();
        long start = System.nanoTime();
        long[] upgrades = new long[total];
        long[] cycles = new long[total];
        for (int i = 0; i < total; i++) {
            slots.acquire();
            Conn[] self = new Conn[1];
            int cycle = i;
            long began = System.nanoTime();
            Conn conn = new Conn(request, () -> {
                upgrades[cycle] = System.nanoTime() - began;
                if (self[0].failed) {
                    failures.incrementAndGet();
                }
            }, () -> {
                cycles[cycle] = System.nanoTime() - began;
                slots.release();
                done.countDown();
            });
            self[0] = conn;
            conn.mode = Mode.STORM;
            bootstrap().handler(conn).connect(address).addListener(f -> {
                if (!f.isSuccess()) {
                    failures.incrementAndGet();
                    slots.release();
                    done.countDown();
                }
            });
        }
        if (!done.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("handshake storm against " + target.name() + " did not finish in 120 s");
        }
        long nanos = System.nanoTime() - start;
        Child.CpuMark cpu1 = target.cpuMark();
        long cpu = cpu1.nanosSince(cpu0);
        long compiler = cpu1.compilerNanosSince(cpu0);
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " of " + total + " handshakes against " + target.name() + " failed");
        }
        Arrays.sort(upgrades);
        Arrays.sort(cycles);
        return new Storm(total, nanos, cpu, compiler, upgrades, cycles);
    }
}
