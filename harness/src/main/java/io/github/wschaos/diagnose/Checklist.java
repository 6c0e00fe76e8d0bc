package io.github.wschaos.diagnose;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of the checklist: the steps in order, each only when the ones before let it (the {@code ping},
 * {@code echo} and closing handshake on the first connection once upgraded; {@code Origin} and {@code idle} once a
 * pong came), and the report with a row for every step, saying why one was skipped.
 */
final class Checklist {

    static final List<String> STEPS = List.of("URL", "TCP connect", "TLS", "upgrade", "ping", "echo", "Origin", "idle");

    private final RunContext run;
    private final DiagnosisOptions options;
    private final ConnectStep connect;
    private final UpgradeStep upgrade;
    private final FrameSteps frames;
    private final OriginStep origins;
    private final IdleStep idle;

    Checklist(DiagnosisOptions options) {
        this.options = options;
        this.run = new RunContext(options);
        Connections connections = new Connections(run);
        this.connect = new ConnectStep(run, connections);
        this.origins = new OriginStep(run, connections);
        this.upgrade = new UpgradeStep(run, connections, new UpgradeRejection(run, origins, connections));
        this.frames = new FrameSteps(run);
        this.idle = new IdleStep(run, connections);
    }

    DiagnosisReport run() {
        Endpoint endpoint = run.endpoint;
        run.checks.put("URL", Check.passed("URL", endpoint.uri() + (endpoint.notes().isEmpty() ? "" : " (" + endpoint.notes() + ")"),
                Duration.ZERO));
        Wire wire = firstConnection();
        if (wire != null) {
            try (wire) {
                if (frames.ping(wire) && (!options.echo() || frames.echo(wire))) {
                    frames.closingHandshake(wire);
                }
            }
            if (run.pong) {
                origins.origins(true);
                if (options.idle() != null) {
                    idle.idle();
                }
            }
        }
        List<Check> ordered = new ArrayList<>();
        for (String step : STEPS) {
            Check check = run.checks.get(step);
            if (check == null) {
                check = step.equals("idle") && options.idle() == null
                        ? Check.skipped(step, "not asked (--idle 70s holds an idle connection open)")
                        : step.equals("echo") && !options.echo()
                        ? Check.skipped(step, "not asked (--echo sends text messages and expects them back: for an endpoint that echoes)")
                        : Check.skipped(step, run.failedStep == null ? "not applicable" : "skipped: the " + run.failedStep + " step failed");
            }
            ordered.add(check);
        }
        return new DiagnosisReport(endpoint, ordered, run.findings);
    }

    /** Steps 2-4 on one connection: TCP connect, TLS, upgrade; the upgraded connection, or null when one failed. */
    private Wire firstConnection() {
        Socket socket = connect.connect();
        return socket == null ? null : upgrade.upgrade(socket);
    }
}
