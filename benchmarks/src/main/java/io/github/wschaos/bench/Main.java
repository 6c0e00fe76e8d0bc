package io.github.wschaos.bench;

import io.github.wschaos.bench.Targets.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The benchmark: starts the echo server and the targets (direct, wschaos, nginx, haproxy, and wschaos with a
 * frame-level fault armed that never fires), drives each with the same client in rounds (every figure of a
 * round taken on every target before the next figure, so background load hits all alike), and prints one
 * table of medians with ratios to direct and to nginx. Everything it starts it stops by process id.
 *
 * <p>{@code Main [--quick] [--rounds N] [--threads N] [--idle N] [--no-jmh] [--keep-logs] [--only PHASE,...]
 * [--transport T]}; the phases are {@code throughput}, {@code latency}, {@code handshakes} and {@code idle} (all by
 * default); the transport of the wschaos processes is {@code io_uring}, {@code epoll} or {@code nio} (by default the
 * proxy's own choice: the first available of these). The run's directory (logs, configurations) is deleted after a
 * run that finished, unless {@code --keep-logs}; after a failure it stays, and its path is printed first.
 */
public final class Main {

    private static final String DIRECT = "direct";
    private static final String WSCHAOS = "wschaos";
    private static final String NGINX = "nginx";
    private static final String HAPROXY = "haproxy";
    private static final String FILTER = "wschaos+filter";
    private static final List<String> COLUMNS = List.of(DIRECT, WSCHAOS, NGINX, HAPROXY, FILTER);

    private static final int[] SIZES = {64, 16 * 1024};
    private static final int[] CONNECTIONS = {1, 16, 256};
    /** One-second latency slices per target in a round: 18,000 round trips, 180 of them beyond the p99. */
    private static final int LATENCY_SLICES = 9;

    private final boolean quick;
    private final int rounds;
    private final int threads;
    private final int idleRequested;
    private final boolean jmh;
    private final boolean keepLogs;
    private final Set<String> phases;
    private final long warmup;
    private final int stormSize;
    private final int warmStorm;
    private final int settleStorm;
    private final int maxSettle;
    private final long measure;

    /** The phases in which the JIT was still compiling when the untimed passes ran out: not warm figures. */
    private final Set<String> unsettled = new LinkedHashSet<>();

    /** figure -> target -> one value per round. */
    private final Map<String, Map<String, List<Double>>> figures = new LinkedHashMap<>();

    private Main(String[] args) {
        boolean quick = false;
        int rounds = -1;
        int threads = 1;
        int idle = -1;
        boolean jmh = true;
        boolean keepLogs = false;
        Set<String> phases = Set.of(PHASES);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--rounds" -> rounds = positive(args, ++i, "--rounds");
                case "--threads" -> threads = positive(args, ++i, "--threads");
                case "--idle" -> idle = positive(args, ++i, "--idle");
                case "--no-jmh" -> jmh = false;
                case "--keep-logs" -> keepLogs = true;
                case "--only" -> phases = phases(value(args, ++i, "--only"));
                case "--transport" -> System.setProperty(TRANSPORT, transport(value(args, ++i, "--transport")));
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    System.exit(0);
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; accepted: " + USAGE);
            }
        }
        this.quick = quick;
        this.rounds = rounds > 0 ? rounds : quick ? 1 : 3;
        this.threads = threads;
        this.idleRequested = idle > 0 ? idle : quick ? 500 : 10_000;
        this.jmh = jmh;
        this.keepLogs = keepLogs;
        this.phases = phases;
        this.warmup = quick ? 200 : 1000;
        this.measure = quick ? 400 : 2000;
        this.stormSize = quick ? 300 : 2000;
        this.warmStorm = quick ? 3000 : 20_000;
        this.settleStorm = quick ? 1000 : 5000;
        this.maxSettle = quick ? 2 : 8;
    }

    private static final String[] PHASES = {"throughput", "latency", "handshakes", "idle"};

    private static final String USAGE = "--quick --rounds N --threads N --idle N --no-jmh --keep-logs --only PHASE[,PHASE...] "
            + "--transport io_uring|epoll|nio --help (phases: throughput, latency, handshakes, idle)";

    /** The proxy's system property that forces its transport; {@link Child} passes it on to the wschaos processes. */
    static final String TRANSPORT = "wschaos.transport";

    private static final List<String> TRANSPORTS = List.of("io_uring", "epoll", "nio");

    private static String transport(String name) {
        if (!TRANSPORTS.contains(name)) {
            throw new IllegalArgumentException("unknown transport '" + name + "' in --transport; accepted: "
                    + String.join(", ", TRANSPORTS));
        }
        return name;
    }

    private static Set<String> phases(String list) {
        Set<String> chosen = new LinkedHashSet<>();
        for (String phase : list.split(",")) {
            if (phase.isBlank()) {
                continue; // "idle," and ",idle" alike
            }
            if (!List.of(PHASES).contains(phase.trim())) {
                throw new IllegalArgumentException("unknown phase '" + phase + "' in --only " + list + "; accepted: "
                        + String.join(", ", PHASES) + ", comma-separated");
            }
            chosen.add(phase.trim());
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("--only '" + list + "' names no phase; accepted: " + String.join(", ", PHASES)
                    + ", comma-separated");
        }
        return chosen;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value; accepted: " + USAGE);
        }
        return args[i];
    }

    private static int positive(String[] args, int i, String option) {
        String text = value(args, i, option);
        try {
            int n = Integer.parseInt(text);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new IllegalArgumentException(option + " '" + text + "' is not a whole number from 1 to " + Integer.MAX_VALUE);
    }

    public static void main(String[] args) throws Exception {
        Main main;
        try {
            main = new Main(args);
        } catch (IllegalArgumentException e) {
            System.err.println("benchmarks/run: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            Targets.program("nginx");
            Targets.program("haproxy");
        } catch (IllegalStateException e) {
            System.err.println("benchmarks/run: " + e.getMessage());
            System.exit(1);
            return;
        }
        main.run();
    }

    private void run() throws Exception {
        long begin = System.nanoTime();
        Path dir = Files.createTempDirectory("wschaos-bench");
        int fdLimit = openFilesLimit();
        int idle = Math.min(idleRequested, (fdLimit - 400) / 2);
        System.out.printf("wschaos benchmark: %s, %d round(s), %d proxy thread(s)/worker(s), wschaos transport %s, %d cores, "
                + "open-files limit %d, logs in %s%n", quick ? "quick" : "full", rounds, threads,
                System.getProperty(TRANSPORT, "default (io_uring, else epoll, else nio)"),
                Runtime.getRuntime().availableProcessors(), fdLimit, dir);
        List<Child> started = new ArrayList<>();
        Map<String, Target> targets = new LinkedHashMap<>();
        try (LoadClient client = new LoadClient(1)) {
            Target echo = Targets.echo(dir);
            started.add(echo.process());
            targets.put(DIRECT, new Target(DIRECT, echo.port(), null));
            Target wschaos = Targets.wschaos(WSCHAOS, dir, echo.port(), threads);
            started.add(wschaos.process());
            targets.put(WSCHAOS, wschaos);
            int proxied = Math.max(idle, 300); // at least the 256 of the widest throughput cell; no more than fits
            Target nginx = Targets.nginx(dir, echo.port(), threads, proxied);
            started.add(nginx.process());
            targets.put(NGINX, nginx);
            Target haproxy = Targets.haproxy(dir, echo.port(), threads, proxied);
            started.add(haproxy.process());
            targets.put(HAPROXY, haproxy);
            Target filter = Targets.wschaos(FILTER, dir, echo.port(), threads);
            started.add(filter.process());
            filter.process().command("arm", "OK");
            targets.put(FILTER, filter);
            System.out.printf("started: echo :%d, %s%n", echo.port(), targets.values().stream().skip(1)
                    .map(t -> t.name() + " :" + t.port() + " pid " + t.process().pid()).toList());

            // Cold handshakes: the first storm a freshly started proxy serves, its handshake path not yet compiled by
            // the JIT (as in a test JVM that opens a few hundred connections). The echo server and the client are
            // warmed first through the direct target, so that only the proxy is cold.
            if (phases.contains("handshakes")) {
                client.storm(targets.get(DIRECT), warmStorm, 32);
                for (Target target : targets.values()) {
                    add("handshakes/s cold", target, client.storm(target, stormSize, 32).perSecond());
                }
                phase(begin, "cold handshakes");
            }
            // Untimed: the JIT compiles the echo server's and wschaos's hot paths before anything is measured. A
            // handshake runs its code once per connection, so the storm needs thousands of them to be compiled.
            boolean relaying = phases.contains("throughput") || phases.contains("latency");
            for (Target target : relaying || phases.contains("handshakes") ? targets.values() : List.<Target>of()) {
                for (int size : relaying ? SIZES : new int[0]) {
                    client.closedLoop(target, 16, size, quick ? 400 : 2000, 1);
                }
                if (phases.contains("handshakes")) {
                    client.storm(target, target.name().startsWith(WSCHAOS) ? warmStorm : 200, 32);
                }
            }
            if (relaying || phases.contains("handshakes")) {
                phase(begin, "warm-up");
            }
            for (int round = 1; round <= rounds; round++) {
                if (phases.contains("throughput")) {
                    report("throughput", settle(List.copyOf(targets.values()), echo.process(), target -> {
                        for (int size : SIZES) {
                            client.closedLoop(target, 16, size, 0, quick ? 300 : 1000);
                        }
                    }), "closed loop of each size");
                    throughput(client, List.copyOf(targets.values()));
                    phase(begin, "round " + round + "/" + rounds + ": throughput");
                }
                if (phases.contains("latency")) {
                    latency(client, List.copyOf(targets.values()));
                    phase(begin, "round " + round + "/" + rounds + ": latency");
                }
                if (phases.contains("handshakes")) {
                    report("handshakes", settle(List.copyOf(targets.values()), echo.process(),
                            target -> client.storm(target, settleStorm, 32)), String.format("storm of %,d", settleStorm));
                    handshakes(client, List.copyOf(targets.values()));
                    phase(begin, "round " + round + "/" + rounds + ": handshakes");
                }
                for (Target target : targets.values()) {
                    if (target.name().startsWith(WSCHAOS)) {
                        target.process().command("clear", "OK");
                    }
                }
            }
            if (phases.contains("idle")) {
                for (Target target : targets.values()) {
                    idle(client, target, idle);
                }
                phase(begin, "idle: " + idle + " connections per target");
            }
        } finally {
            for (Child child : started) {
                child.close();
            }
        }
        if (jmh) {
            for (Map.Entry<String, Double> e : Lifecycle.run(quick).entrySet()) {
                add(e.getKey(), WSCHAOS, e.getValue());
            }
            phase(begin, "JMH");
        }
        print(idle);
        System.out.printf("%ntook %.0f s%n", (System.nanoTime() - begin) / 1e9);
        if (keepLogs) {
            System.out.println("logs kept in " + dir);
        } else {
            deleteTree(dir);
        }
    }

    /** Deletes the run's directory (logs, configs, nginx's temporary files) after a run that finished. */
    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * Round trips at a fixed rate, in one-second slices taken from each target in turn (the order rotating from
     * slice to slice), so that a burst of background load falls on all targets alike rather than on whichever was
     * measured at the time; the percentiles are over all of a target's slices of the round.
     */
    private void latency(LoadClient client, List<Target> targets) throws InterruptedException {
        Map<String, List<long[]>> samples = new LinkedHashMap<>();
        inTurn(targets, quick ? 1 : LATENCY_SLICES, target -> samples.computeIfAbsent(target.name(), k -> new ArrayList<>())
                .add(client.fixedRate(target, 16, 64, 2000, 300, 1000)));
        for (Target target : targets) {
            long[] rtt = samples.get(target.name()).stream().flatMapToLong(Arrays::stream).sorted().toArray();
            add("p50", target, percentile(rtt, 0.50) / 1e3);
            add("p99", target, percentile(rtt, 0.99) / 1e3);
            add("p99.9", target, percentile(rtt, 0.999) / 1e3);
        }
    }

    /**
     * Handshake storms, three per target in a round, taken from each target in turn (the order rotating), so that
     * a burst of background load falls on every target alike; a round's figure is the median of its three storms.
     */
    private void handshakes(LoadClient client, List<Target> targets) throws InterruptedException {
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        Map<String, List<Double>> compiler = new LinkedHashMap<>();
        inTurn(targets, quick ? 1 : 3, target -> {
            LoadClient.Storm result = client.storm(target, stormSize, 32);
            rates.computeIfAbsent(target.name(), k -> new ArrayList<>()).add(result.perSecond());
            cpu.computeIfAbsent(target.name(), k -> new ArrayList<>()).add(result.cpuMillisPerThousand());
            compiler.computeIfAbsent(target.name(), k -> new ArrayList<>()).add(result.compilerMillisPerThousand());
        });
        for (Target target : targets) {
            add("handshakes/s", target, median(rates.get(target.name())));
            if (target.process() != null) {
                add("cpu handshakes", target, median(cpu.get(target.name())));
            }
            if (target.name().startsWith(WSCHAOS)) {
                add("jit handshakes", target, median(compiler.get(target.name())));
            }
        }
    }

    /**
     * Every throughput cell through every target; per round, the highest share of a wschaos process's CPU that its
     * JIT compiler threads took in any cell (it should be next to nothing: the cells are measured warm).
     */
    private void throughput(LoadClient client, List<Target> targets) throws InterruptedException {
        Map<String, Double> highestJit = new LinkedHashMap<>();
        for (int size : SIZES) {
            for (int connections : CONNECTIONS) {
                for (Target target : targets) {
                    LoadClient.Throughput t = client.closedLoop(target, connections, size, warmup, measure);
                    String cell = label(size) + " x " + connections;
                    add("msg/s " + cell, target, t.perSecond());
                    add("MB/s " + cell, target, t.perSecond() * size / 1e6);
                    if (target.process() != null) {
                        add("cpu " + cell, target, t.cpuMillisPerThousand());
                    }
                    if (target.name().startsWith(WSCHAOS)) {
                        highestJit.merge(target.name(), 100.0 * t.compilerNanos() / Math.max(1, t.cpuNanos()), Math::max);
                    }
                }
            }
        }
        for (Target target : targets) {
            if (highestJit.containsKey(target.name())) {
                add("jit throughput", target, highestJit.get(target.name()));
            }
        }
    }

    private void report(String phase, Settled settled, String load) {
        if (!settled.quiet()) {
            unsettled.add(phase);
        }
        System.out.printf("         %s: JIT %s after %d untimed pass(es) of a %s per target%n", phase,
                settled.quiet() ? "quiet" : "still compiling", settled.passes(), load);
    }

    /**
     * Untimed passes of a load through every target alike, until the JIT compiler threads of the JVMs that
     * serve the load (the wschaos processes and the echo server) took under 2 % of their CPU during a pass, or
     * {@link #maxSettle} passes. The handshake path and the relay share Netty's pipeline methods, and each phase has
     * C2 recompile them for its own traffic: a storm measured right after the throughput and latency phases also
     * measured C2 recompiling (a fifth of the proxy's CPU, seen), and so did the first throughput cell after the
     * storms; neither is the warm figure.
     *
     * @return the passes taken, and whether the last was quiet
     */
    private Settled settle(List<Target> targets, Child echo, Measurement untimed) throws InterruptedException {
        List<Child> jvms = new ArrayList<>(List.of(echo));
        targets.stream().filter(t -> t.name().startsWith(WSCHAOS)).forEach(t -> jvms.add(t.process()));
        for (int pass = 1; ; pass++) {
            List<Child.CpuMark> before = new ArrayList<>();
            jvms.forEach(jvm -> before.add(jvm.cpuMark()));
            for (Target target : targets) {
                untimed.take(target);
            }
            boolean quiet = true;
            for (int i = 0; i < jvms.size(); i++) {
                // A compiler thread that ended in the pass took its time with it: then it is not known to be quiet.
                Child.CpuMark after = jvms.get(i).cpuMark();
                quiet &= !after.compilerThreadEnded(before.get(i))
                        && after.compilerNanosSince(before.get(i)) * 50 <= after.nanosSince(before.get(i));
            }
            if (quiet || pass == maxSettle) {
                return new Settled(pass, quiet);
            }
        }
    }

    private record Settled(int passes, boolean quiet) {
    }

    /** One measurement of a target, which may wait for the load to finish. */
    private interface Measurement {
        void take(Target target) throws InterruptedException;
    }

    /** {@code times} passes over {@code targets}, each starting one target later than the pass before. */
    private static void inTurn(List<Target> targets, int times, Measurement measurement) throws InterruptedException {
        for (int pass = 0; pass < times; pass++) {
            for (int i = 0; i < targets.size(); i++) {
                measurement.take(targets.get((i + pass) % targets.size()));
            }
        }
    }

    private static void phase(long begin, String done) {
        System.out.printf("%5.0f s  %s done%n", (System.nanoTime() - begin) / 1e9, done);
    }

    private void idle(LoadClient client, Target target, int n) throws InterruptedException {
        boolean wschaos = target.name().startsWith(WSCHAOS);
        if (wschaos) {
            target.process().command("clear", "OK");
        }
        Child process = target.process();
        long heap0 = wschaos ? Long.parseLong(process.command("heap", "HEAP")) : 0;
        long rss0 = process == null ? 0 : process.rssBytes();
        List<LoadClient.Conn> conns = client.openAllowingFailures(target.port(), n);
        try {
            Thread.sleep(quick ? 200 : 1000);
            long held = conns.stream().filter(c -> !c.failed && c.channel.isActive()).count();
            add("idle held", target, held);
            if (held < n) {
                System.out.printf("  %s: %d of %d connections failed to upgrade or were closed%n", target.name(), n - held, n);
            }
            if (held == 0) {
                return;
            }
            if (wschaos) {
                long heap1 = Long.parseLong(process.command("heap", "HEAP"));
                add("heap/conn", target, (heap1 - heap0) / 1024.0 / held);
            }
            if (process != null && !wschaos) {
                // Not for a JVM: its heap is sized up front and pages touched by earlier phases are reused, so its
                // resident memory hardly moves; the heap figure above is its cost.
                add("rss/conn", target, (process.rssBytes() - rss0) / 1024.0 / held);
            }
        } finally {
            LoadClient.closeAll(conns);
        }
    }

    private void add(String figure, Target target, double value) {
        add(figure, target.name(), value);
    }

    private void add(String figure, String target, double value) {
        figures.computeIfAbsent(figure, f -> new LinkedHashMap<>()).computeIfAbsent(target, t -> new ArrayList<>()).add(value);
    }

    /**
     * The ratio of wschaos to the better proxy (both proxies, or nginx alone) round by round, lowest and highest, as
     * {@code " (rounds 0.92-1.10)"}: how far the run's noise moves the median ratio. Empty with one round.
     */
    private String roundRatios(String figure, boolean bothProxies) {
        Map<String, List<Double>> byTarget = figures.getOrDefault(figure, Map.of());
        List<Double> w = byTarget.get(WSCHAOS);
        List<Double> n = byTarget.get(NGINX);
        List<Double> h = bothProxies ? byTarget.get(HAPROXY) : n;
        if (w == null || n == null || h == null || w.size() < 2 || w.size() != n.size() || w.size() != h.size()) {
            return "";
        }
        double low = Double.MAX_VALUE;
        double high = 0;
        for (int round = 0; round < w.size(); round++) {
            double ratio = w.get(round) / Math.max(n.get(round), h.get(round));
            low = Math.min(low, ratio);
            high = Math.max(high, ratio);
        }
        return " (rounds " + fmt(low, 2) + "-" + fmt(high, 2) + ")";
    }

    private Double median(String figure, String target) {
        List<Double> values = figures.getOrDefault(figure, Map.of()).get(target);
        if (values == null || values.isEmpty()) {
            return null;
        }
        return median(values);
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static String label(int size) {
        return size >= 1024 ? size / 1024 + " KiB" : size + " B";
    }

    // ---- the table -----------------------------------------------------------------------------------------

    private void print(int idle) {
        System.out.printf("%nMedians of %d round(s); in brackets the ratio to direct (d) and to nginx (n).%n%n", rounds);
        if (!unsettled.isEmpty()) {
            System.out.printf("Not warm: the JIT was still compiling after %d untimed passes before %s in some round.%n%n",
                    maxSettle, String.join(" and ", unsettled));
        }
        System.out.println("| figure | " + String.join(" | ", COLUMNS) + " |");
        System.out.println("|---|" + "---:|".repeat(COLUMNS.size()));
        for (int size : SIZES) {
            for (int connections : CONNECTIONS) {
                String cell = label(size) + " x " + connections;
                row("throughput " + cell + " conn, msg/s", "msg/s " + cell, Main::count, true, true);
                row("throughput " + cell + " conn, MB/s", "MB/s " + cell, v -> fmt(v, 1), false, false);
                row("proxy CPU ms / 1,000 msgs, " + cell, "cpu " + cell, v -> fmt(v, 1), false, true);
            }
        }
        row("JIT compiler threads, % of proxy CPU (highest of any throughput cell)", "jit throughput", v -> fmt(v, 1), false, false);
        row("latency p50 µs (16 conn, 2,000 msg/s)", "p50", v -> fmt(v, 0), true, true);
        row("latency p99 µs", "p99", v -> fmt(v, 0), true, true);
        row("latency p99.9 µs", "p99.9", v -> fmt(v, 0), true, true);
        row("handshakes/s (storm of " + stormSize + ", 32 at a time)", "handshakes/s", Main::count, true, true);
        row("handshakes/s cold (a fresh proxy's first " + stormSize + ")", "handshakes/s cold", Main::count, true, true);
        row("proxy CPU ms / 1,000 handshakes", "cpu handshakes", v -> fmt(v, 1), false, true);
        row("of which JIT compiler threads", "jit handshakes", v -> fmt(v, 1), false, false);
        row("idle connections held (of " + idle + ")", "idle held", Main::count, false, false);
        row("heap KiB / idle proxied conn", "heap/conn", v -> fmt(v, 2), false, false);
        row("RSS KiB / idle proxied conn", "rss/conn", v -> fmt(v, 2), false, false);
        row("start → first upgrade through it, ms (JMH)", Lifecycle.START, v -> fmt(v, 2), false, false);
        row("close → back to baseline threads, ms (JMH)", Lifecycle.CLOSE, v -> fmt(v, 2), false, false);
        row("per-test reset (disarmAll + clear), µs (JMH)", Lifecycle.RESET, v -> fmt(v, 2), false, false);
        printTargets(idle);
    }

    private void row(String title, String figure, Function<Double, String> format, boolean toDirect, boolean toNginx) {
        if (!figures.containsKey(figure)) {
            return;
        }
        Double direct = median(figure, DIRECT);
        Double nginx = median(figure, NGINX);
        StringBuilder line = new StringBuilder("| " + title + " |");
        for (String column : COLUMNS) {
            Double value = median(figure, column);
            if (value == null) {
                line.append(" — |");
                continue;
            }
            line.append(' ').append(format.apply(value));
            List<String> ratios = new ArrayList<>();
            if (toDirect && direct != null && !column.equals(DIRECT) && direct != 0) {
                ratios.add(fmt(value / direct, 2) + "d");
            }
            if (toNginx && nginx != null && !column.equals(NGINX) && !column.equals(DIRECT) && nginx != 0) {
                ratios.add(fmt(value / nginx, 2) + "n");
            }
            if (!ratios.isEmpty()) {
                line.append(" (").append(String.join(" ", ratios)).append(')');
            }
            line.append(" |");
        }
        System.out.println(line);
    }

    /** The targets, each marked met or missed with the margin. */
    private void printTargets(int idle) {
        System.out.printf("%nTargets (wschaos vs the better of nginx and haproxy, same run):%n");
        if (quick) {
            System.out.println("  (--quick: one short window per figure, a smoke test; the full run gives the verdicts)");
        }
        for (int size : SIZES) {
            for (int connections : CONNECTIONS) {
                String figure = "msg/s " + label(size) + " x " + connections;
                Double w = median(figure, WSCHAOS);
                Double best = max(median(figure, NGINX), median(figure, HAPROXY));
                if (w != null && best != null) {
                    check("throughput " + label(size) + " x " + connections, w >= best,
                            fmt(w / best, 2) + "x the better proxy" + roundRatios(figure, true));
                }
            }
        }
        for (String p : List.of("p50", "p99")) {
            Double direct = median(p, DIRECT);
            Double w = median(p, WSCHAOS);
            Double best = min(median(p, NGINX), median(p, HAPROXY));
            if (direct != null && w != null && best != null) {
                check("added latency " + p, w - direct <= best - direct,
                        String.format(Locale.ROOT, "%+.0f µs vs %+.0f µs", w - direct, best - direct));
            }
        }
        Double hs = median("handshakes/s", WSCHAOS);
        Double hsNginx = median("handshakes/s", NGINX);
        if (hs != null && hsNginx != null) {
            check("handshakes/s at least nginx's", hs >= hsNginx, fmt(hs / hsNginx, 2) + "x nginx"
                    + roundRatios("handshakes/s", false));
        }
        Double cold = median("handshakes/s cold", WSCHAOS);
        Double coldNginx = median("handshakes/s cold", NGINX);
        if (cold != null && coldNginx != null) {
            check("cold handshakes/s at least nginx's", cold >= coldNginx, fmt(cold / coldNginx, 2) + "x nginx");
        }
        Double heap = median("heap/conn", WSCHAOS);
        if (heap != null) {
            check("heap per idle connection ≤ 10 KiB", heap <= 10, fmt(heap, 2) + " KiB");
        }
        Double held = median("idle held", WSCHAOS);
        if (held != null && idleRequested < 10_000) {
            System.out.printf("  %-7s %s: %s%n", "NOT RUN", "10,000 idle connections held", count(held) + " held of "
                    + count(idle) + " opened (" + (quick ? "--quick opens 500" : "--idle " + idleRequested)
                    + "; the full run opens 10,000)");
        } else if (held != null) {
            String opened = count(held) + " held of " + count(idle) + " opened";
            if (idle < idleRequested) {
                opened += " (the open-files limit, " + count(openFilesLimit()) + ", allows no more: two per proxied connection)";
            }
            check("10,000 idle connections held", held >= 10_000, opened);
        }
        Double start = median(Lifecycle.START, WSCHAOS);
        if (start != null) {
            check("start to first connection < 20 ms", start < 20, fmt(start, 2) + " ms");
        }
        Double reset = median(Lifecycle.RESET, WSCHAOS);
        if (reset != null) {
            check("per-test reset < 1 ms", reset < 1000, fmt(reset, 2) + " µs");
        }
    }

    private static void check(String what, boolean met, String detail) {
        System.out.printf("  %-7s %s: %s%n", met ? "MET" : "MISSED", what, detail);
    }

    private static Double max(Double a, Double b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return Math.max(a, b);
    }

    private static Double min(Double a, Double b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return Math.min(a, b);
    }

    private static String count(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    private static int openFilesLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    return Integer.parseInt(line.split("\\s+")[3]);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux: assume enough
        }
        return 1 << 20;
    }
}
