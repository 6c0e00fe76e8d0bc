package io.github.wschaos.cli;

import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The standalone jar: {@code java -jar wschaos.jar proxy ...} runs the chaos proxy in front of any WebSocket
 * server (for a browser or an app you start by hand), {@code java -jar wschaos.jar demo} runs the whole idea on an
 * embedded server and client. Bad arguments print the usage and exit with code 2.
 */
@Command(name = "wschaos", mixinStandardHelpOptions = true, version = "wschaos 0.1.0",
        description = "Reproduce production-only WebSocket failures: a chaos proxy and a demo.",
        subcommands = {ProxyCommand.class, ServerCommand.class, DiagnoseCommand.class, DemoCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with {@link #run}'s code: 0 fine, 1 a failed check, 2 bad arguments. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code: 0 fine, 1 a failed check, 2 bad arguments. */
    public static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: choose proxy, server, diagnose or demo");
    }

    /** Blocks until the JVM shuts down (Ctrl-C, SIGTERM), then closes {@code running}. */
    static void runUntilShutdown(AutoCloseable running) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                running.close();
            } catch (Exception e) {
                System.err.println("wschaos: closing failed: " + e);
            } finally {
                stopped.countDown();
            }
        }, "wschaos-shutdown"));
        stopped.await();
    }
}
