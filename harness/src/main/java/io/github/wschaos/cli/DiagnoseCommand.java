package io.github.wschaos.cli;

import io.github.wschaos.Durations;
import io.github.wschaos.diagnose.DiagnosisReport;
import io.github.wschaos.diagnose.Diagnostics;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wschaos diagnose ws[s]://host[:port]/path [--origin O] [--header K:V]... [--idle 70s] [--timeout 5s]
 * [--echo] [--insecure] [--json]}: runs the checklist of {@link Diagnostics} against a real endpoint, prints it with the
 * diagnosis, the fix and the fault that reproduces it. Exit code 0 healthy, 1 a problem found, 2 bad arguments.
 * Progress goes to standard error, the report to standard output.
 */
@Command(name = "diagnose", mixinStandardHelpOptions = true,
        description = "Run the WebSocket checklist (TCP, TLS, upgrade, ping, echo, Origin, idle) against an endpoint, name the"
                + " cause and the wschaos fault that reproduces it. Exit 0 healthy, 1 problem found, 2 usage error.")
final class DiagnoseCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL", description = "ws[s]://host[:port]/path (http[s]:// is mapped to ws[s]://)")
    String url;

    @Option(names = "--origin", paramLabel = "ORIGIN", description = "The Origin to send, e.g. https://app.example")
    String origin;

    @Option(names = "--header", paramLabel = "NAME:VALUE", description = "An extra request header (repeatable)")
    List<String> headers = new ArrayList<>();

    @Option(names = "--idle", paramLabel = "DURATION", description = "Hold a connection idle for up to this long, e.g. 70s")
    String idle;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s",
            description = "Bound on connect, TLS, the upgrade answer and a pong (default ${DEFAULT-VALUE})")
    String timeout;

    @Option(names = "--echo", description = "The endpoint echoes text messages: send a short one and a 16,000-byte one"
            + " and expect them back (round trip, throughput, half-open connections)")
    boolean echo;

    @Option(names = "--insecure", description = "Go on past certificate problems (they stay in the TLS evidence)")
    boolean insecure;

    @Option(names = "--json", description = "Print the report as JSON")
    boolean json;

    @Override
    public Integer call() {
        Diagnostics.Builder builder;
        try {
            builder = Diagnostics.builder(url).timeout(duration("--timeout", timeout));
            if (origin != null) {
                builder.origin(origin);
            }
            for (String header : headers) {
                int colon = header.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("--header '" + header + "' is not NAME:VALUE, e.g. Authorization:Bearer x");
                }
                builder.header(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
            }
            if (idle != null) {
                builder.idle(duration("--idle", idle));
            }
            if (insecure) {
                builder.insecure();
            }
            if (echo) {
                builder.echo();
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter err = spec.commandLine().getErr();
        builder.progress(message -> {
            err.println("... " + message);
            err.flush();
        });
        DiagnosisReport report = builder.run();
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? report.toJson() : report.toText());
        out.flush();
        return report.exitCode();
    }

    private static java.time.Duration duration(String option, String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " '" + value + "': " + e.getMessage());
        }
    }
}
