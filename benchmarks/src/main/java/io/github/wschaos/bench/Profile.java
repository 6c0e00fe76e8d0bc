package io.github.wschaos.bench;

import io.github.wschaos.bench.Targets.Target;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One load against one target, with a JFR recording of the wschaos process, for profiling. Either a throughput
 * cell, {@code Profile <size> <connections> <seconds> [filter|nginx|haproxy]}, or a handshake storm,
 * {@code Profile storm <handshakes> <concurrency> [warm-up handshakes, 2000] [wschaos|nginx|haproxy]}; the
 * recording is written to {@code wschaos.jfr} in the logs directory it prints. With {@code -Dprofile.nojfr=true}
 * no recording is made (for an outside profiler such as {@code perf}, given the proxy's JVM flags in
 * {@code -Dbench.jvmArgs.wschaos}); the target's process id is printed first, as {@code PID <pid>}. A storm or cell
 * also prints the CPU time of each of the target's threads during the measurement (the event loop apart from the JIT and
 * GC threads, whose share moves from run to run).
 */
public final class Profile {

    /** The proxied connections nginx and haproxy are configured for: more than a storm or a cell opens at once. */
    private static final int PROXIED = 1000;

    private Profile() {
    }

    /** This JVM's CPU time (the load client's), in nanoseconds. */
    private static long clientCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** With {@code -Dprofile.gate=FILE}: prints READY and waits until FILE exists (for a tracer to attach first). */
    private static void awaitGate() throws InterruptedException {
        String gate = System.getProperty("profile.gate");
        if (gate == null) {
            return;
        }
        System.out.println("READY");
        while (!Files.exists(Path.of(gate))) {
            Thread.sleep(20);
        }
    }

    /** The target named last on the command line: wschaos unless nginx or haproxy is given. */
    private static String targetName(String[] args, boolean storm) {
        int at = storm ? 4 : 3;
        String name = args.length > at ? args[at] : "wschaos";
        return name.equals("nginx") || name.equals("haproxy") ? name : "wschaos";
    }

    /**
     * Each thread's user and system CPU over the measurement (threads of one name summed, e.g. the JVM's GC threads),
     * in ms per 1,000 handshakes or round trips, over the measured window.
     */
    private static void printThreads(List<Child.ThreadCpu> before, List<Child.ThreadCpu> after, long count) {
        Map<String, long[]> ticks = new TreeMap<>();
        for (Child.ThreadCpu thread : after) {
            long[] sum = ticks.computeIfAbsent(family(thread.name()), n -> new long[2]);
            sum[0] += thread.userTicks();
            sum[1] += thread.systemTicks();
        }
        for (Child.ThreadCpu thread : before) {
            long[] sum = ticks.get(family(thread.name()));
            if (sum != null) {
                sum[0] -= thread.userTicks();
                sum[1] -= thread.systemTicks();
            }
        }
        double msPerTick = 1000.0 / Child.TICKS_PER_SECOND;
        ticks.forEach((name, sum) -> {
            if (sum[0] + sum[1] > 0) {
                System.out.printf("thread %-24s user %6.1f  system %6.1f ms per 1,000%n", name,
                        sum[0] * msPerTick * 1000 / count, sum[1] * msPerTick * 1000 / count);
            }
        });
    }

    /** A thread's name without its number: {@code GC Thread#1} and {@code GC Thread#0} are one family. */
    private static String family(String name) {
        return name.replaceAll("#?[0-9]+$", "").trim();
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("wschaos-profile");
        if (!Boolean.getBoolean("profile.nojfr")) {
            System.setProperty("bench.jvmArgs.wschaos", "-XX:StartFlightRecording=filename=" + dir.resolve("wschaos.jfr")
                    + ",settings=profile,dumponexit=true " + System.getProperty("bench.jvmArgs.wschaos", ""));
        }
        boolean storm = args[0].equals("storm");
        String name = targetName(args, storm);
        Target echo = Targets.echo(dir);
        Target target = switch (name) {
            case "nginx" -> Targets.nginx(dir, echo.port(), 1, PROXIED);
            case "haproxy" -> Targets.haproxy(dir, echo.port(), 1, PROXIED);
            default -> Targets.wschaos("wschaos", dir, echo.port(), 1);
        };
        System.out.println("PID " + target.process().pid());
        try (LoadClient client = new LoadClient(1)) {
            if (storm) {
                int total = Integer.parseInt(args[1]);
                int concurrency = Integer.parseInt(args[2]);
                client.storm(target, args.length > 3 ? Integer.parseInt(args[3]) : 2000, concurrency);
                awaitGate();
                System.out.println("MEASURING");
                List<Child.ThreadCpu> before = target.process().threads();
                long client0 = clientCpuNanos();
                Child.CpuMark echo0 = echo.cpuMark();
                LoadClient.Storm result = client.storm(target, total, concurrency);
                printThreads(before, target.process().threads(), total);
                System.out.printf("load client %.1f, echo server %.1f ms CPU per 1,000%n",
                        (clientCpuNanos() - client0) / 1e3 / total, echo.cpuMark().nanosSince(echo0) / 1e3 / total);
                System.out.printf("cycle ms: to the 101 p50 %.2f p99 %.2f max %.2f; to the close p50 %.2f p99 %.2f max %.2f%n",
                        Main.percentile(result.upgradeNanos(), 0.5) / 1e6, Main.percentile(result.upgradeNanos(), 0.99) / 1e6,
                        Main.percentile(result.upgradeNanos(), 1) / 1e6, Main.percentile(result.cycleNanos(), 0.5) / 1e6,
                        Main.percentile(result.cycleNanos(), 0.99) / 1e6, Main.percentile(result.cycleNanos(), 1) / 1e6);
                System.out.printf("%s: %,.0f handshakes/s, %.1f ms CPU per 1,000; logs in %s%n", name, result.perSecond(),
                        result.cpuMillisPerThousand(), dir);
                return;
            }
            int size = Integer.parseInt(args[0]);
            int connections = Integer.parseInt(args[1]);
            int seconds = Integer.parseInt(args[2]);
            if (args.length > 3 && args[3].equals("filter")) {
                target.process().command("arm", "OK");
            }
            System.out.println("MEASURING");
            List<List<Child.ThreadCpu>> window = new ArrayList<>();
            LoadClient.Throughput t = client.closedLoop(target, connections, size, 2000, seconds * 1000L,
                    () -> window.add(target.process().threads()), () -> window.add(target.process().threads()));
            printThreads(window.get(0), window.get(1), t.messages());
            System.out.printf("%,.0f msg/s, %.1f ms CPU per 1,000; logs in %s%n", t.perSecond(), t.cpuMillisPerThousand(), dir);
        } finally {
            target.process().close();
            echo.process().close();
        }
    }
}
