package io.github.wschaos.bench;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.fault.Direction;
import io.github.wschaos.fault.Faults;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * JMH micro-benchmarks of the proxy's life cycle, in-process as a test uses it, with an in-process echo
 * server as the upstream: start to the first upgrade through it, close until the JVM is back to its
 * baseline thread count, and the per-test reset.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
public class Lifecycle {

    static final String START = "start";
    static final String CLOSE = "close";
    static final String RESET = "reset";

    private static final byte[] UPGRADE = ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private EchoServer echo;
    private URI upstream;
    private int baselineThreads;
    private ChaosProxy proxy;
    private ChaosProxy resident;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    @Setup(Level.Trial)
    public void startEcho() throws Exception {
        echo = EchoServer.start(0, 1);
        upstream = URI.create("ws://127.0.0.1:" + echo.port() + "/");
        // Warm the proxy classes once, then take the thread count with no proxy running.
        try (ChaosProxy warm = ChaosProxy.builder().upstream(upstream).ioThreads(1).start()) {
            upgrade(warm.port());
        }
        resident = ChaosProxy.builder().upstream(upstream).ioThreads(1).start();
        upgrade(resident.port());
        baselineThreads = threadsNow();
    }

    @TearDown(Level.Trial)
    public void stopEcho() {
        resident.close();
        echo.close();
    }

    /** Proxy start until a client has upgraded through it (TCP accepted, upstream connected, 101 relayed). */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public ChaosProxy startToFirstUpgrade() throws IOException {
        proxy = ChaosProxy.builder().upstream(upstream).ioThreads(1).start();
        upgrade(proxy.port());
        return proxy;
    }

    @TearDown(Level.Invocation)
    public void closeStarted() {
        if (proxy != null) {
            proxy.close();
            proxy = null;
            awaitThreads(baselineThreads);
        }
    }

    /** A proxy that has relayed one connection, ready to be closed by {@link #closeToBaselineThreads}. */
    @State(Scope.Thread)
    public static class Running {
        ChaosProxy proxy;

        @Setup(Level.Invocation)
        public void start(Lifecycle lifecycle) throws IOException {
            proxy = ChaosProxy.builder().upstream(lifecycle.upstream).ioThreads(1).start();
            upgrade(proxy.port());
        }
    }

    /** {@code close()} until the JVM has no more threads than before the proxy started. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public void closeToBaselineThreads(Running running) {
        running.proxy.close();
        awaitThreads(baselineThreads);
    }

    /** Two faults armed, ready for {@link #reset}. */
    @State(Scope.Thread)
    public static class Armed {
        @Setup(Level.Invocation)
        public void arm(Lifecycle lifecycle) {
            lifecycle.resident.inject(Faults.swallowPings(Direction.BOTH));
            lifecycle.resident.inject(Faults.delayHandshake(Duration.ofSeconds(1)));
        }
    }

    /** What a test's {@code @AfterEach} does: disarm every fault and clear the recording. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void reset(Armed armed) {
        resident.disarmAll();
        resident.recording().clear();
    }

    /**
     * Live threads, not counting Netty's shared {@code globalEventExecutor} thread: Netty starts it to notify an
     * event-loop group's termination listeners and lets it end by itself after a second with no work; it is
     * not the proxy's, and the project's own baseline test does not count it either.
     */
    private int threadsNow() {
        Thread[] all = new Thread[threads.getThreadCount() + 16];
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        int n = root.enumerate(all, true);
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (!all[i].getName().startsWith("globalEventExecutor")) {
                count++;
            }
        }
        return count;
    }

    private void awaitThreads(int target) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (threadsNow() > target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(threadsNow() + " threads 10 s after close, baseline " + target);
            }
            Thread.onSpinWait();
        }
    }

    /** A blocking upgrade through 127.0.0.1:{@code port}; returns once the 101 head is in, then closes. */
    static void upgrade(int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            out.write(UPGRADE);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] head = new byte[12];
            int read = 0;
            while (read < head.length) {
                int n = in.read(head, read, head.length - read);
                if (n < 0) {
                    throw new IOException("closed before the status line");
                }
                read += n;
            }
            String status = new String(head, StandardCharsets.US_ASCII);
            if (!status.equals("HTTP/1.1 101")) {
                throw new IOException("expected HTTP/1.1 101, got " + status);
            }
        }
    }

    /** Runs the three benchmarks in one fork and returns their mean scores by figure name (ms, ms, µs). */
    static Map<String, Double> run(boolean quick) throws RunnerException {
        OptionsBuilder options = new OptionsBuilder();
        List<String> jvmArgs = new ArrayList<>(List.of("-Dio.netty.leakDetection.level=disabled", "-Xmx512m"));
        String transport = System.getProperty(Main.TRANSPORT);
        if (transport != null) {
            jvmArgs.add("-D" + Main.TRANSPORT + "=" + transport);
        }
        options.include(Lifecycle.class.getName() + "\\.")
                .forks(1)
                .jvmArgsAppend(jvmArgs.toArray(String[]::new))
                .warmupIterations(quick ? 1 : 3)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 1 : 5)
                .measurementTime(TimeValue.seconds(1))
                .verbosity(VerboseMode.SILENT);
        Map<String, Double> scores = new LinkedHashMap<>();
        for (RunResult result : new Runner(options.build()).run()) {
            String method = result.getParams().getBenchmark();
            double score = result.getPrimaryResult().getScore();
            if (method.endsWith("startToFirstUpgrade")) {
                scores.put(START, score);
            } else if (method.endsWith("closeToBaselineThreads")) {
                scores.put(CLOSE, score);
            } else if (method.endsWith("reset")) {
                scores.put(RESET, score);
            }
        }
        return scores;
    }
}
