package io.github.wschaos.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A process the benchmark started: its output lines, its CPU time and resident memory from /proc (summed over
 * the process and its descendants, so nginx's master and worker count together), the sockets it listens on, and a
 * stop by process id.
 */
final class Child implements AutoCloseable {

    /** Linux's USER_HZ: /proc/[pid]/stat counts CPU time in these ticks. */
    static final long TICKS_PER_SECOND = 100;

    private final String name;
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private Child(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    static Child start(String name, List<String> command, Path log) {
        try {
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            Child child = new Child(name, process);
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(child::close));
            } catch (IllegalStateException shuttingDown) {
                // Interrupted (Ctrl-C) while starting the targets: the hooks already run, and would not stop this one.
                child.close();
                throw shuttingDown;
            }
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + command, e);
        }
    }

    /** A Java process on this JVM's class path, without Netty's leak detector, with this JVM's forced transport. */
    static Child java(String name, Path log, String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms256m", "-Xmx1g", "-Dio.netty.leakDetection.level=disabled",
                // The JIT's threads live as long as the JVM: one ended in a measured window would take its CPU with it.
                "-XX:-UseDynamicNumberOfCompilerThreads",
                "-cp", System.getProperty("java.class.path")));
        String transport = System.getProperty(Main.TRANSPORT);
        if (transport != null) {
            command.add("-D" + Main.TRANSPORT + "=" + transport);
        }
        String extra = System.getProperty("bench.jvmArgs." + name, "");
        if (!extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.add(mainClass);
        command.addAll(List.of(args));
        return start(name, command, log);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The next output line that starts with {@code prefix}, within {@code seconds}. */
    String await(String prefix, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try {
            while (true) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new IllegalStateException(name + " (pid " + pid() + ", alive " + process.isAlive()
                            + ") printed no '" + prefix + "' within " + seconds + " s");
                }
                if (line.startsWith(prefix)) {
                    return line.substring(prefix.length()).trim();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends one command line to the process's stdin and returns the reply that starts with {@code prefix}. */
    String command(String command, String prefix) {
        try {
            OutputStream in = process.getOutputStream();
            in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return await(prefix, 60);
    }

    /** The on-CPU time of each live thread of the process and its descendants, now. */
    CpuMark cpuMark() {
        return new CpuMark(threads());
    }

    /**
     * A moment's CPU time of a process tree, thread by thread, from {@code /proc/.../task/.../schedstat} (nanoseconds,
     * where {@code stat}'s user and system times count in 10 ms ticks: a storm of a third of a second takes 20 to 40
     * of them).
     */
    record CpuMark(List<ThreadCpu> threads) {

        /** No process: the direct target. */
        static final CpuMark NONE = new CpuMark(List.of());

        /** On-CPU time since {@code earlier} of the threads alive now (one that ended in between is not counted). */
        long nanosSince(CpuMark earlier) {
            return since(earlier, false);
        }

        /** The same for the JVM's JIT compiler threads (C1, C2); 0 for another program. */
        long compilerNanosSince(CpuMark earlier) {
            return since(earlier, true);
        }

        /**
         * Whether a JIT compiler thread alive at {@code earlier} has ended since (the JVM ends idle ones): the CPU it
         * took in between is then unknown.
         */
        boolean compilerThreadEnded(CpuMark earlier) {
            Set<Long> alive = new HashSet<>();
            threads.forEach(thread -> alive.add(thread.id()));
            return earlier.threads.stream().anyMatch(thread -> thread.isCompiler() && !alive.contains(thread.id()));
        }

        private long since(CpuMark earlier, boolean compilerOnly) {
            Map<Long, Long> before = new HashMap<>();
            earlier.threads.forEach(thread -> before.put(thread.id(), thread.onCpuNanos()));
            long nanos = 0;
            for (ThreadCpu thread : threads) {
                if (!compilerOnly || thread.isCompiler()) {
                    nanos += thread.onCpuNanos() - before.getOrDefault(thread.id(), 0L);
                }
            }
            return nanos;
        }
    }

    /**
     * One thread's CPU: user and system time in ticks (from {@code stat}), on-CPU time in nanoseconds (schedstat); its
     * id, which the kernel does not reuse soon.
     */
    record ThreadCpu(long id, String name, long userTicks, long systemTicks, long onCpuNanos) {

        boolean isCompiler() {
            return name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre");
        }
    }

    /** Every live thread of the process and its descendants; a thread that ends meanwhile is left out. */
    List<ThreadCpu> threads() {
        List<ThreadCpu> threads = new ArrayList<>();
        List<Long> pids = new ArrayList<>(List.of(process.pid()));
        process.descendants().forEach(child -> pids.add(child.pid()));
        for (long pid : pids) {
            List<Path> tasks;
            try (var listing = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                tasks = listing.toList();
            } catch (IOException e) {
                continue; // the process ended
            }
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] fields = statFields(stat);
                    long onCpu = Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[0]);
                    threads.add(new ThreadCpu(Long.parseLong(task.getFileName().toString()), name, Long.parseLong(fields[11]),
                            Long.parseLong(fields[12]), onCpu));
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return threads;
    }

    /** The fields of a {@code /proc} stat line after the command name (which may hold spaces), from the state on. */
    private static String[] statFields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /**
     * Whether this process or a descendant holds the socket listening on TCP {@code port} (from {@code /proc/net/tcp}
     * and the processes' descriptors): not another program that took the port meanwhile.
     */
    boolean listensOn(int port) {
        Set<String> sockets = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table));
            } catch (IOException e) {
                continue; // no IPv6
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] fields = line.trim().split("\\s+");
                String local = fields[1];
                boolean listen = fields[3].equals("0A");
                if (listen && Integer.parseInt(local.substring(local.indexOf(':') + 1), 16) == port) {
                    sockets.add("socket:[" + fields[9] + "]");
                }
            }
        }
        List<Long> pids = new ArrayList<>(List.of(process.pid()));
        process.descendants().forEach(child -> pids.add(child.pid()));
        for (long pid : pids) {
            try (var descriptors = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
                for (Path descriptor : descriptors.toList()) {
                    try {
                        if (sockets.contains(Files.readSymbolicLink(descriptor).toString())) {
                            return true;
                        }
                    } catch (IOException closedMeanwhile) {
                        // next one
                    }
                }
            } catch (IOException ended) {
                // next process
            }
        }
        return false;
    }

    /** Resident memory of the process and its descendants, in bytes. */
    long rssBytes() {
        long kb = rssKb(process.pid());
        for (ProcessHandle child : process.descendants().toList()) {
            kb += rssKb(child.pid());
        }
        return kb * 1024;
    }

    private static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException ignored) {
            // gone
        }
        return 0;
    }

    /** Stops the process and its descendants by process id: TERM, then KILL after two seconds. */
    @Override
    public void close() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }
}
