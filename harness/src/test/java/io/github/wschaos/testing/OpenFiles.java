package io.github.wschaos.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Another process's file descriptors, read from Linux's {@code /proc}, and its soft open-files limit, changed with
 * util-linux's {@code prlimit}: to bring a proxy to the edge of its limit the way a busy production proxy gets there.
 */
public final class OpenFiles {

    private static final Path PRLIMIT = Path.of("/usr/bin/prlimit");
    private static final Pattern MAX_OPEN_FILES = Pattern.compile("Max open files\\s+(\\d+)\\s+(\\d+|unlimited)");

    private OpenFiles() {
    }

    /**
     * Skips the test when this machine has no {@code /proc} or no {@code prlimit}, except in CI (environment
     * {@code CI=true}), where it fails it: CI runs on Linux with util-linux, so a missing one is a broken build.
     */
    public static void assumeAvailable() {
        if (Files.isDirectory(Path.of("/proc/self/fd")) && Files.isExecutable(PRLIMIT)) {
            return;
        }
        String message = "needs Linux's /proc and util-linux's " + PRLIMIT;
        RequiredTool.missing(message);
    }

    /**
     * The lowest descriptor number {@code pid} has free, once two readings of its open descriptors agree (a connection
     * that just ended may still be closing).
     */
    public static int lowestFreeWhenSteady(long pid, Duration timeout) {
        return await("steady descriptors of process " + pid).atMost(timeout)
                .until(() -> lowestFreeIfSteady(pid), fd -> fd >= 0);
    }

    private static int lowestFreeIfSteady(long pid) throws IOException {
        Set<Integer> first = open(pid);
        Set<Integer> second = open(pid);
        if (!first.equals(second)) {
            return -1;
        }
        int fd = 0;
        while (second.contains(fd)) {
            fd++;
        }
        return fd;
    }

    private static Set<Integer> open(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.map(fd -> Integer.parseInt(fd.getFileName().toString())).collect(Collectors.toSet());
        }
    }

    /** The soft open-files limit of {@code pid}, as {@code /proc/PID/limits} gives it. */
    public static String softLimit(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"))) {
            Matcher limit = MAX_OPEN_FILES.matcher(line);
            if (limit.find()) {
                return limit.group(1);
            }
        }
        throw new IllegalStateException("no 'Max open files' in /proc/" + pid + "/limits");
    }

    /** Sets the soft open-files limit of {@code pid} only: lowering the hard one could not be undone without privileges. */
    public static void setSoftLimit(long pid, String soft) throws Exception {
        Process prlimit = new ProcessBuilder(PRLIMIT.toString(), "--pid", Long.toString(pid), "--nofile=" + soft + ":")
                .redirectErrorStream(true).start();
        String output = new String(prlimit.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(prlimit.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(prlimit.exitValue()).as("prlimit --pid %d --nofile=%s: %s", pid, soft, output).isZero();
    }
}
