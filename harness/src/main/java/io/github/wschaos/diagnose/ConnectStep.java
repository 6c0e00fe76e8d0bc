package io.github.wschaos.diagnose;

import static io.github.wschaos.diagnose.RunContext.millis;
import static io.github.wschaos.diagnose.RunContext.since;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * The {@code TCP connect} and (for {@code wss://}) {@code TLS} steps of the first connection: the host resolved,
 * connected and the TLS handshake done, or what failed named (unknown host, refused, dropped; a certificate untrusted,
 * expired or for another host, plain HTTP on the port, no common protocol, a ClientHello met with silence).
 */
final class ConnectStep {

    private final RunContext run;
    private final DiagnosisOptions options;
    private final Endpoint endpoint;
    private final Connections connections;

    ConnectStep(RunContext run, Connections connections) {
        this.run = run;
        this.options = run.options;
        this.endpoint = run.endpoint;
        this.connections = connections;
    }

    /** The first connection, over TLS for {@code wss://}, ready for the upgrade request; null when a step failed. */
    Socket connect() {
        options.progress().accept("TCP connect to " + endpoint.host() + ":" + endpoint.port() + " ...");
        long start = System.nanoTime();
        try {
            run.address = InetAddress.getByName(endpoint.host());
        } catch (UnknownHostException e) {
            run.fail("TCP connect", "unknown host " + endpoint.host() + ": " + e, start,
                    new Finding(Cause.UNKNOWN_HOST, "The name " + endpoint.host() + " does not resolve: " + e.getMessage() + ".",
                            "Check the host name in the URL and the DNS record (dig " + endpoint.host() + ").", null));
            return null;
        }
        DeadlineSocket socket = new DeadlineSocket();
        try {
            socket.connect(new InetSocketAddress(run.address, endpoint.port()), run.timeoutMillis);
        } catch (IOException e) {
            Connections.close(socket);
            tcpFailure(e, start);
            return null;
        }
        run.connectNanos = System.nanoTime() - start;
        // The time first: run.target() formats the address with Netty's NetUtil, whose first use takes 60-100 ms.
        String took = millis(start);
        Duration elapsed = since(start);
        run.checks.put("TCP connect", Check.passed("TCP connect", "connected to " + run.target() + " in " + took, elapsed));
        try {
            socket.setSoTimeout(run.timeoutMillis);
            socket.setTcpNoDelay(true);
        } catch (SocketException e) {
            // keep the defaults
        }
        return endpoint.secure() ? tls(socket) : socket;
    }

    private void tcpFailure(IOException e, long start) {
        String evidence = e.getClass().getName() + ": " + e.getMessage() + " after " + millis(start);
        String target = run.target();
        if (e instanceof SocketTimeoutException || e instanceof NoRouteToHostException) {
            run.fail("TCP connect", evidence, start, new Finding(Cause.CONNECT_TIMEOUT,
                    "No answer to the TCP connect to " + target + " within " + options.timeout().toMillis() + " ms: packets are"
                            + " dropped on the way (a firewall, a security group, a NAT without the port forwarded).",
                    "Open the port in the firewall / security group between you and " + target
                            + "; check the server listens on a public address, not only on 127.0.0.1.",
                    Fixes.fault("blackhole", "@Blackhole", "Faults.blackhole()")));
        } else {
            run.fail("TCP connect", evidence, start, new Finding(Cause.CONNECTION_REFUSED,
                    "Nothing listens on " + target + ": the server is down, listens on another port, or (in a container)"
                            + " on another interface.",
                    "Start the server; check the port in the URL against the one it listens on (ss -ltnp); in Docker,"
                            + " publish the port (-p) and bind to 0.0.0.0 inside the container.",
                    Fixes.fault("refuse", "@RefuseConnections", "Faults.refuseConnections()")));
        }
    }

    private Socket tls(DeadlineSocket socket) {
        options.progress().accept("TLS handshake ...");
        long start = System.nanoTime();
        RecordingTrust trust = new RecordingTrust(options.trust(), options.insecure());
        SSLSocket ssl = null;
        try {
            ssl = connections.sslSocket(socket, trust);
            // The wait (and its figure) begins with the handshake, not with building the TLS context before it.
            start = System.nanoTime();
            connections.handshake(ssl, socket);
        } catch (IOException e) {
            Connections.close(ssl == null ? socket : ssl);
            tlsFailure(e, trust, start, ssl == null ? new String[0] : ssl.getEnabledProtocols(),
                    ssl == null ? new String[0] : ssl.getEnabledCipherSuites(),
                    socket.received());
            return null;
        }
        SSLSession session = ssl.getSession();
        X509Certificate leaf = trust.leaf();
        StringBuilder evidence = new StringBuilder(session.getProtocol()).append(' ').append(session.getCipherSuite())
                .append(" in ").append(millis(start));
        if (leaf != null) {
            evidence.append("\ncertificate ").append(leaf.getSubjectX500Principal().getName())
                    .append(", issued by ").append(leaf.getIssuerX500Principal().getName())
                    .append(", valid until ").append(leaf.getNotAfter().toInstant());
        }
        if (trust.problem() != null) {
            evidence.append("\nNOT VERIFIED (--insecure): ").append(trust.problem().getMessage());
            // --insecure lets an authority the client does not trust through, but not what would fail under one it
            // does: an expired certificate, or one for another host (nginx with a stale or wrong certificate).
            String flaw = leaf == null ? null : flawTrustWouldNotHide(leaf);
            if (flaw != null) {
                evidence.append("\n").append(flaw);
                String certificate = "\nThe server's certificate: " + leaf.getSubjectX500Principal().getName()
                        + ", issued by " + leaf.getIssuerX500Principal().getName() + ", valid " + leaf.getNotBefore().toInstant()
                        + " to " + leaf.getNotAfter().toInstant() + ".";
                run.checks.put("TLS", Check.failed("TLS", evidence.toString(), since(start)));
                run.findings.add(flaw.startsWith("expired") || flaw.startsWith("not yet valid")
                        ? expiredFinding(flaw + " (seen with --insecure)", certificate)
                        : wrongHostFinding(flaw + " (seen with --insecure)", certificate));
                return ssl;
            }
        }
        run.checks.put("TLS", Check.passed("TLS", evidence.toString(), since(start)));
        return ssl;
    }

    /** What would fail {@code leaf} under an authority the client trusts: its dates, or a name other than the host's. */
    private String flawTrustWouldNotHide(X509Certificate leaf) {
        try {
            leaf.checkValidity();
        } catch (CertificateExpiredException e) {
            return "expired: valid until " + leaf.getNotAfter().toInstant();
        } catch (CertificateNotYetValidException e) {
            return "not yet valid: valid from " + leaf.getNotBefore().toInstant();
        }
        if (!HostNames.matches(leaf, endpoint.host())) {
            return "no subject alternative name matches " + endpoint.host() + ": " + HostNames.names(leaf);
        }
        return null;
    }

    private Finding expiredFinding(String problem, String certificate) {
        return new Finding(Cause.CERTIFICATE_EXPIRED,
                "The certificate is outside its validity period: " + problem + "." + certificate,
                "Renew the certificate (certbot renew) and reload the server or proxy (nginx -s reload, apachectl graceful);"
                        + " automate renewal.", Fixes.tls("expired-certificate"));
    }

    private Finding wrongHostFinding(String problem, String certificate) {
        return new Finding(Cause.CERTIFICATE_WRONG_HOST,
                "The certificate does not name " + endpoint.host() + ": " + problem + "." + certificate,
                "Serve a certificate whose subject alternative names include " + endpoint.host()
                        + " (with nginx: the server block with the right server_name and ssl_certificate; with Apache:"
                        + " the <VirtualHost> with that ServerName or ServerAlias and its SSLCertificateFile), or"
                        + " connect with the name the certificate is for.", Fixes.tls("wrong-host-certificate"));
    }

    private void tlsFailure(IOException e, RecordingTrust trust, long start, String[] offered, String[] suites, long received) {
        String messages = messages(e);
        String evidence = e.getClass().getName() + ": " + e.getMessage() + " after " + millis(start)
                + (e instanceof SocketTimeoutException && received > 0 ? " (" + received + " bytes of the server's"
                        + " handshake came in that time, too few or too slowly to finish it)" : "");
        String lower = messages.toLowerCase(Locale.ROOT);
        if (trust.problem() != null) {
            X509Certificate leaf = trust.leaf();
            String certificate = leaf == null ? "" : "\nThe server's certificate: " + leaf.getSubjectX500Principal().getName()
                    + ", issued by " + leaf.getIssuerX500Principal().getName() + ", valid " + leaf.getNotBefore().toInstant()
                    + " to " + leaf.getNotAfter().toInstant() + ".";
            if (expired(trust.problem())) {
                run.fail("TLS", evidence, start, expiredFinding(trust.problem().getMessage(), certificate));
            } else if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
                run.fail("TLS", evidence, start, wrongHostFinding(trust.problem().getMessage(), certificate));
            } else {
                boolean noIntermediate = leaf != null && trust.chainLength() == 1
                        && !leaf.getIssuerX500Principal().equals(leaf.getSubjectX500Principal());
                run.fail("TLS", evidence + (noIntermediate ? "\nthe server sent only its own certificate, issued by "
                        + leaf.getIssuerX500Principal().getName() + ", and no intermediate certificate" : ""), start,
                        new Finding(Cause.CERTIFICATE_UNTRUSTED,
                        "The client does not trust the certificate: " + trust.problem().getMessage() + "." + certificate
                                + (noIntermediate ? "\nThe server sends no intermediate certificate: its certificate is not"
                                        + " self-signed, but the certificate of its issuer (" + leaf.getIssuerX500Principal().getName()
                                        + ") is not sent with it. Where that issuer is an intermediate of a public authority, the chain"
                                        + " is incomplete: browsers may fill the gap from their cache, the JDK, Node, Python and"
                                        + " curl do not; where it is a private root, the client must trust it." : ""),
                        "Use a certificate from a public authority (e.g. Let's Encrypt) and serve the full chain"
                                + " (nginx: ssl_certificate fullchain.pem; Apache 2.4.8+: SSLCertificateFile fullchain.pem, before 2.4.8"
                                + " SSLCertificateChainFile chain.pem); for a private authority, add it to the client's"
                                + " trust store (keytool -importcert -cacerts -file ca.pem).", Fixes.tls("untrusted-certificate")));
            }
        } else if (lower.contains("unrecognized ssl message") || lower.contains("plaintext connection")) {
            run.fail("TLS", evidence, start, new Finding(Cause.PLAIN_PORT_FOR_WSS,
                    "The server on port " + endpoint.port() + " answered the TLS handshake with something that is not TLS:"
                            + " it speaks plain HTTP (browsers: net::ERR_SSL_PROTOCOL_ERROR; OpenSSL: \"wrong version number\").",
                    "Use ws://" + endpoint.hostHeader() + endpoint.requestTarget() + ", or terminate TLS on this port"
                            + " (nginx: listen " + endpoint.port() + " ssl; with ssl_certificate and ssl_certificate_key; Apache: SSLEngine on"
                            + " with SSLCertificateFile and SSLCertificateKeyFile in the <VirtualHost> on that port).",
                    Fixes.tls("plain-listener")));
        } else if (lower.contains("protocol_version") || lower.contains("not accepted by client preferences")
                || lower.contains("no appropriate protocol")) {
            run.fail("TLS", evidence, start, noCommonVersion(messages, offered));
        } else if (trust.leaf() == null && run.silentFor(start) && (lower.contains("remote host terminated the handshake")
                || lower.contains("peer shut down incorrectly") || lower.contains("connection reset"))) {
            long silent = System.nanoTime() - start;
            boolean reset = lower.contains("connection reset");
            run.fail("TLS", "ClientHello sent; no answer, then " + (reset ? "the connection was reset" : "TCP closed (FIN, nothing sent)")
                    + " after " + millis(start) + "\n" + evidence, start,
                    StreamFindings.afterSilence(reset ? new SocketException(e.getMessage()) : new EOFException(), silent,
                            "the TLS handshake began"));
        } else if (trust.leaf() == null && lower.contains("received fatal alert: handshake_failure")) {
            run.fail("TLS", evidence, start, noCommonCipherSuite(offered, suites));
        } else if (trust.leaf() == null && (lower.contains("remote host terminated the handshake")
                || lower.contains("peer shut down incorrectly") || lower.contains("handshake_failure"))) {
            run.fail("TLS", evidence, start, new Finding(Cause.NO_COMMON_TLS_PROTOCOL,
                    "The server ended the handshake without answering the ClientHello (no certificate was sent): most"
                            + " often it shares no TLS version or cipher suite with the client (TLS 1.2/1.3 only in current"
                            + " JDKs and browsers); a server that insists on SNI for another name does the same.",
                    "Enable TLS 1.2 and 1.3 and current cipher suites on the server (nginx: ssl_protocols TLSv1.2 TLSv1.3;;"
                            + " Apache: SSLProtocol -all +TLSv1.2 +TLSv1.3);"
                            + " compare with openssl s_client -connect " + endpoint.host() + ":" + endpoint.port() + " -tls1_2.",
                    Fixes.tls("no-common-protocol")));
        } else if (e instanceof SocketTimeoutException) {
            run.fail("TLS", evidence, start, StreamFindings.noAnswer("the TLS handshake", options.timeout()));
        } else if (lower.contains("connection reset")) {
            run.fail("TLS", evidence, start, StreamFindings.resetBeforeAnswer());
        } else {
            run.fail("TLS", evidence, start, new Finding(Cause.TLS_FAILED,
                    "The TLS handshake failed: " + messages + ".",
                    "Compare with openssl s_client -connect " + endpoint.host() + ":" + endpoint.port() + " -servername "
                            + endpoint.host() + ".", null));
        }
    }

    /**
     * No shared TLS version: what the client offered ({@code offered}, its enabled protocols) and, where the failure
     * says it, what the server chose; no assumption about which side is the older.
     */
    private static Finding noCommonVersion(String messages, String[] offered) {
        List<String> client = new ArrayList<>();
        for (String protocol : offered) {
            if (protocol.startsWith("TLS")) {
                client.add(protocol);
            }
        }
        boolean clientHasTls13 = client.contains("TLSv1.3");
        Matcher chosen = Pattern.compile("server selected protocol version (\\S+)").matcher(messages);
        String explanation = "Client and server share no TLS version: the client offered " + (client.isEmpty() ? "none"
                : String.join(", ", client));
        if (chosen.find()) {
            String server = chosen.group(1).replace("TLS1", "TLS 1.");
            boolean old = server.matches("(?i)(TLS 1\\.[01]|SSL.*)");
            explanation += "; the server chose " + server + ", which the client does not accept"
                    + (old ? " (TLS 1.0 and 1.1 are disabled in current JDKs and browsers)." : ".");
        } else {
            explanation += "; the server refused all of them (alert protocol_version): it speaks only other versions"
                    + (clientHasTls13 ? ", older ones (TLS 1.0/1.1, disabled in current JDKs and browsers)."
                            : ", older ones (TLS 1.0/1.1) or TLS 1.3 alone, which this client does not offer (it goes no"
                                    + " further than " + (client.isEmpty() ? "none" : java.util.Collections.max(client)) + ").");
        }
        String fix = clientHasTls13 ? "Enable TLS 1.2 and 1.3 on the server (nginx: ssl_protocols TLSv1.2 TLSv1.3;;"
                + " Apache: SSLProtocol -all +TLSv1.2 +TLSv1.3)."
                : "Let the client offer TLS 1.3 (JDK: -Djdk.tls.client.protocols=TLSv1.3,TLSv1.2, or a newer runtime), or"
                        + " enable TLS 1.2 next to 1.3 on the server (nginx: ssl_protocols TLSv1.2 TLSv1.3;; Apache: SSLProtocol -all"
                        + " +TLSv1.2 +TLSv1.3).";
        return new Finding(Cause.NO_COMMON_TLS_PROTOCOL, explanation, fix, Fixes.tls("no-common-protocol"));
    }

    /**
     * A {@code handshake_failure} alert in answer to the ClientHello, before any certificate: the server accepted a
     * version the client offered (a server that shares none answers {@code protocol_version}) and found nothing else
     * to agree on, most often no cipher suite. No wschaos fault reproduces it: {@code tls-mismatch=no-common-protocol}
     * draws a {@code protocol_version} alert, another failure.
     */
    private Finding noCommonCipherSuite(String[] offered, String[] suites) {
        List<String> versions = new ArrayList<>();
        for (String protocol : offered) {
            if (protocol.startsWith("TLS")) {
                versions.add(protocol);
            }
        }
        List<String> shown = java.util.Arrays.asList(suites).subList(0, Math.min(6, suites.length));
        return new Finding(Cause.NO_COMMON_CIPHER_SUITE,
                "The server answered the ClientHello with a handshake_failure alert and sent no certificate. The versions"
                        + " overlap (a server that shares no version with the client answers protocol_version instead), so"
                        + " most often they share no cipher suite: the client offered " + (versions.isEmpty() ? "no version"
                                : String.join(", ", versions)) + " with " + suites.length + " cipher suites ("
                        + String.join(", ", shown) + (suites.length > shown.size() ? ", ..." : "") + "), and a server"
                        + " restricted to legacy ones (nginx ssl_ciphers CAMELLIA128-SHA, 3DES, RC4, or RSA key exchange"
                        + " alone with TLS 1.3 off) shares none with current JDKs, browsers and Node. No common signature"
                        + " algorithm or key-exchange group ends the handshake the same way.",
                "Enable current cipher suites on the server (nginx: drop ssl_ciphers for OpenSSL's defaults, or ssl_ciphers"
                        + " ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                        + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305; and"
                        + " ssl_protocols TLSv1.2 TLSv1.3;, whose TLS 1.3 suites are always on); list what it accepts with"
                        + " nmap --script ssl-enum-ciphers -p " + endpoint.port() + " " + endpoint.host() + ". No wschaos"
                        + " fault reproduces it (tls-mismatch=no-common-protocol draws a protocol_version alert, not this one).",
                null);
    }

    private static boolean expired(Throwable problem) {
        for (Throwable t = problem; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
                return true;
            }
            if (t instanceof CertPathValidatorException v && (v.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                    || v.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID)) {
                return true;
            }
        }
        return false;
    }

    private static String messages(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(text.length() == 0 ? "" : " <- ").append(t.getMessage());
        }
        return text.toString();
    }
}
