package io.github.wschaos.cli;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code wschaos proxy} run as a user runs it, in a JVM of its own on this test's class path, with every line it prints
 * (standard output and error) collected as it comes.
 */
final class ProxyProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("wschaos proxy listening: (wss?://\\S+) -> ");

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private ProxyProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (Exception ignored) {
                // the process ended
            }
        }, "proxy-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code wschaos proxy} with {@code arguments} (those after {@code proxy}). */
    static ProxyProcess start(String... arguments) throws IOException {
        return start(List.of(), entry -> true, arguments);
    }

    /**
     * Starts {@code wschaos proxy} with {@code arguments}, in a JVM given {@code jvmOptions}, on the entries of this
     * test's class path that {@code classPathEntry} keeps.
     */
    static ProxyProcess start(List<String> jvmOptions, Predicate<String> classPathEntry, String... arguments)
            throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(classPathEntry)
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, "io.github.wschaos.cli.Main", "proxy"));
        command.addAll(List.of(arguments));
        return new ProxyProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /** Every line printed so far. */
    List<String> lines() {
        return lines;
    }

    /** The first line, once printed, that says where the proxy listens. */
    String listeningLine(Duration timeout) {
        await().atMost(timeout).until(() -> lines.stream().anyMatch(line -> LISTENING.matcher(line).find()));
        return lines.stream().filter(line -> LISTENING.matcher(line).find()).findFirst().orElseThrow();
    }

    /** The URI to connect to, once printed. */
    URI uri(Duration timeout) {
        Matcher matcher = LISTENING.matcher(listeningLine(timeout));
        if (!matcher.find()) {
            throw new IllegalStateException("no URI in the listening line");
        }
        return URI.create(matcher.group(1));
    }

    Process process() {
        return process;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
