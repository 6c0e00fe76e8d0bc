package io.github.wschaos.cli;

import io.github.wschaos.api.ChaosServer;
import io.github.wschaos.internal.ConnectionLog;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code wschaos server [--api 127.0.0.1:8474] [--seed N] [--allow-non-loopback]}: Toxiproxy's HTTP API, so that a
 * Toxiproxy client or script drives WebSocket chaos proxies by changing one address. Prints the API's address once it
 * listens, then serves until killed.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Serve Toxiproxy's HTTP API (named proxies, toxics, reset) with wschaos's WebSocket faults.")
final class ServerCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--api", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8474",
            description = "Where the API listens (default ${DEFAULT-VALUE}, Toxiproxy's; port 0 picks a free one).")
    String api;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "24301",
            description = "Seed of the toxicity draws: the same seed hits the same attempts (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--tls-host", paramLabel = "NAME",
            description = "A name the certificate of \"tls\": true proxies is valid for besides localhost, 127.0.0.1 and"
                    + " ::1 (repeatable): the container's network alias, host.testcontainers.internal, an IP.")
    List<String> tlsHosts = new ArrayList<>();

    @Option(names = "--allow-non-loopback", description = "Allow the API and its proxies on addresses other than loopback.")
    boolean allowNonLoopback;

    @Option(names = "--recording-limit", paramLabel = "N", defaultValue = "" + ConnectionLog.DEFAULT_LIMIT,
            description = "Ended connections each proxy's recording keeps, the most recent (default ${DEFAULT-VALUE}).")
    int recordingLimit;

    @Override
    public Integer call() throws InterruptedException {
        HostPort address = HostPort.parse(spec.commandLine(), "--api", api, "127.0.0.1:8474");
        ChaosServer server;
        try {
            ChaosServer.Builder builder = ChaosServer.builder()
                    .host(address.host())
                    .port(address.port())
                    .seed(seed)
                    .recordingLimit(recordingLimit);
            if (allowNonLoopback) {
                builder.allowNonLoopback();
            }
            builder.tlsHosts(tlsHosts.toArray(String[]::new));
            server = builder.start();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("wschaos server (Toxiproxy API) listening: " + server.uri() + " seed " + seed);
        out.flush();
        Main.runUntilShutdown(server);
        return 0;
    }
}
