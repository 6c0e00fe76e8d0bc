package io.github.wschaos.cli;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.ProxyCertificate;
import io.github.wschaos.fault.ForceTlsMismatch;
import io.github.wschaos.internal.ConnectionLog;
import io.github.wschaos.internal.HttpCodecs;
import io.github.wschaos.internal.ListenerTls;
import io.github.wschaos.internal.PemTrust;
import io.github.wschaos.internal.Upstream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code wschaos proxy --upstream ws://127.0.0.1:8080 [--listen 127.0.0.1:9000] [--tls [--certificate-out FILE]]
 * [--upstream-ca FILE] [--fault NAME[@upgrades][=VALUE]]...}: prints the URI to connect to, then one line per connection
 * event, until Ctrl-C.
 */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "Run the chaos proxy in front of a WebSocket server until Ctrl-C.")
final class ProxyCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--upstream", required = true, paramLabel = "URI", description = "ws://host:port/path or wss://...")
    String upstream;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:0",
            description = "Where to listen (default ${DEFAULT-VALUE}; port 0 picks a free one).")
    String listen;

    @Option(names = "--tls", description = "Listen with TLS (wss://) on a certificate generated in memory.")
    boolean tls;

    @Option(names = "--tls-host", paramLabel = "NAME",
            description = "With --tls: a name the listener's certificate is valid for besides localhost, 127.0.0.1 and"
                    + " ::1 (repeatable), for clients that reach the proxy by another name: a container's"
                    + " host.testcontainers.internal, a network alias, an /etc/hosts name or an IP.")
    List<String> tlsHosts = new ArrayList<>();

    @Option(names = "--certificate-out", paramLabel = "FILE",
            description = "With --tls: write the authority of the listener's certificate to FILE as PEM, before the URI is"
                    + " printed, for clients to trust (curl --cacert, Node's NODE_EXTRA_CA_CERTS, Python's"
                    + " cafile, a Java trust store).")
    Path certificateOut;

    @Option(names = "--upstream-ca", paramLabel = "FILE",
            description = "PEM certificates a wss:// upstream's certificate must chain to, instead of the JDK's trust"
                    + " store (a test server with its own authority); the host name is checked still.")
    Path upstreamCa;

    @Option(names = "--allow-non-loopback", description = "Allow --listen on an address other than loopback.")
    boolean allowNonLoopback;

    @Option(names = "--time-scale", paramLabel = "FACTOR", defaultValue = "1.0", description = "Multiply fault durations.")
    double timeScale;

    @Option(names = "--recording-limit", paramLabel = "N", defaultValue = "" + ConnectionLog.DEFAULT_LIMIT,
            description = "Ended connections the recording keeps, the most recent (default ${DEFAULT-VALUE}).")
    int recordingLimit;

    @Option(names = "--max-upstream-header-size", paramLabel = "BYTES", defaultValue = "" + HttpCodecs.MAX_RESPONSE_HEAD,
            description = "The largest response head taken from the upstream; a larger one gets the client 502 "
                    + "(default ${DEFAULT-VALUE}; 4096 is nginx's default proxy_buffer_size).")
    int maxUpstreamHeaderSize;

    @Option(names = "--fault", paramLabel = "NAME[@upgrades][=VALUE]",
            description = "Arm a fault (repeatable): strip-upgrade-headers, drop-idle=55s[:upstream|client][:reset|going-away], "
                    + "tls-mismatch=MODE, reject-origins=O1,O2, refuse, blackhole, delay-handshake=2s, "
                    + "respond-with-status=503[;Name: value], close-with-code=1012[@AFTER][:reason], reset[=DELAY], swallow-pings[=DIRECTION], "
                    + "half-open=DIRECTION; Toxiproxy's toxics with an optional @upstream|@downstream|@both: "
                    + "latency=100ms[:JITTER], bandwidth=KB_PER_S, slow-close=1s, timeout=1s, reset-peer=1s, "
                    + "slicer=AVG:VARIATION:DELAY, limit-data=BYTES. NAME@upgrades hits only WebSocket upgrade "
                    + "requests (a firewall that drops or resets WebSockets): blackhole@upgrades, refuse@upgrades, "
                    + "respond-with-status@upgrades=403")
    List<String> faults = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        List<FaultSpec> parsed = new ArrayList<>();
        for (String fault : faults) {
            try {
                parsed.add(FaultOption.parse(fault));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--fault " + fault + ": " + e.getMessage());
            }
        }
        if (!tlsHosts.isEmpty() && !tls) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--tls-host " + tlsHosts.get(0)
                    + " needs --tls: a plain listener has no certificate");
        }
        for (String host : tlsHosts) {
            try {
                ListenerTls.checkHostName(host);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--tls-host " + host + ": " + e.getMessage());
            }
        }
        if (certificateOut != null && !tls) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--certificate-out " + certificateOut
                    + " needs --tls: a plain listener has no certificate");
        }
        TrustManagerFactory upstreamTrust = upstreamCa == null ? null : readUpstreamCa();
        ChaosProxy proxy = start(upstreamTrust, parsed);
        if (certificateOut != null) {
            writeCertificate(proxy);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("wschaos proxy listening: " + proxy.uri() + " -> " + Upstream.display(proxy.upstream())
                + (parsed.isEmpty() ? "" : " with " + parsed.stream().map(FaultSpec::toString).toList()));
        out.flush();
        proxy.recording().subscribe(event -> {
            out.println(event.type() + " " + event.record());
            out.flush();
        });
        Main.runUntilShutdown(proxy);
        return 0;
    }

    /** The trust {@code --upstream-ca} gives; only with a {@code wss://} upstream. */
    private TrustManagerFactory readUpstreamCa() {
        if (!upstream.regionMatches(true, 0, "wss://", 0, 6)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--upstream-ca " + upstreamCa
                    + " is for a wss:// upstream, but --upstream " + upstream + " is not; give wss://host:port, or"
                    + " leave --upstream-ca out");
        }
        String pem;
        try {
            pem = Files.readString(upstreamCa, StandardCharsets.US_ASCII);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--upstream-ca " + upstreamCa
                    + " is not PEM text (it has binary bytes: a DER certificate or a PKCS#12 store?); give the CA"
                    + " certificate as PEM, e.g. openssl x509 -inform der -in " + upstreamCa + " -out ca.pem");
        } catch (IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--upstream-ca " + upstreamCa
                    + " cannot be read: " + e);
        }
        try {
            return PemTrust.of(pem);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--upstream-ca " + upstreamCa + " is "
                    + e.getMessage());
        }
    }

    private void writeCertificate(ChaosProxy proxy) {
        try {
            Files.writeString(certificateOut, proxy.certificate().pem(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            proxy.close();
            throw new CommandLine.ParameterException(spec.commandLine(), "--certificate-out " + certificateOut
                    + " cannot be written: " + e);
        }
    }

    /** {@code "--fault SPEC: "} for the TLS mode that {@code message} refuses, else nothing. */
    private String culprit(List<FaultSpec> parsed, String message) {
        for (int i = 0; i < parsed.size(); i++) {
            if (parsed.get(i).fault() instanceof ForceTlsMismatch tls && message.startsWith("TLS mismatch " + tls.mode() + " ")) {
                return "--fault " + faults.get(i) + ": ";
            }
        }
        return "";
    }

    /** Starts the proxy with {@code parsed} armed before its port opens, so that no connection gets past them. */
    private ChaosProxy start(TrustManagerFactory upstreamTrust, List<FaultSpec> parsed) {
        HostPort address = HostPort.parse(spec.commandLine(), "--listen", listen, "127.0.0.1:9000");
        try {
            ChaosProxy.Builder builder = ChaosProxy.builder().upstream(upstream)
                    .listenHost(address.host())
                    .port(address.port())
                    .timeScale(timeScale)
                    .recordingLimit(recordingLimit)
                    .maxUpstreamHeaderSize(maxUpstreamHeaderSize);
            if (tls) {
                if (tlsHosts.isEmpty()) {
                    builder.tls();
                } else {
                    builder.tls(ProxyCertificate.generate(tlsHosts.toArray(String[]::new)));
                }
            }
            if (upstreamTrust != null) {
                builder.upstreamTrust(upstreamTrust);
            }
            if (allowNonLoopback) {
                builder.allowNonLoopback();
            }
            for (int i = 0; i < parsed.size(); i++) {
                try {
                    builder.fault(parsed.get(i).fault(), parsed.get(i).target());
                } catch (IllegalArgumentException e) {
                    // The Java API's own check (a target the fault cannot have): same message.
                    throw new CommandLine.ParameterException(spec.commandLine(), "--fault " + faults.get(i) + ": " + e.getMessage());
                }
            }
            return builder.start(); // a TLS mode without --tls is refused here, before the port opens
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), culprit(parsed, e.getMessage()) + e.getMessage());
        }
    }

}
