package io.github.wschaos.internal;

import io.github.wschaos.fault.TlsMismatch;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.pkitesting.X509Bundle;
import io.netty.util.NetUtil;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * The TLS material of a proxy listener, generated in memory: an authority that clients trust, the loopback
 * certificate it issues, and, on demand, the flawed certificates of the {@link TlsMismatch} modes (expired and
 * wrong-host ones from the same authority, so that only the named flaw fails the handshake).
 */
public final class ListenerTls {

    private final X509Bundle authority;
    private final X509Bundle leaf;
    private final SslContext normal;
    private final Map<TlsMismatch, SslContext> flawed = new EnumMap<>(TlsMismatch.class);
    private final List<String> hostNames;

    private ListenerTls(X509Bundle authority, X509Bundle leaf, List<String> hostNames) {
        this.authority = authority;
        this.leaf = leaf;
        this.normal = server(leaf);
        this.hostNames = List.copyOf(hostNames);
    }

    /** The names the certificate is valid for besides loopback's. */
    public List<String> hostNames() {
        return hostNames;
    }

    /**
     * A new authority and a loopback certificate issued by it. Each authority has a name of its own: with two of the
     * same name in one bundle (two proxies' {@code --certificate-out}), OpenSSL and NSS took the wrong one for the
     * issuer and failed the signature ("certificate signature failure", Chromium's ERR_CERT_AUTHORITY_INVALID). Both
     * last a year: a proxy left running serves a valid certificate for as long as it runs.
     */
    public static ListenerTls generate() {
        return generate(List.of());
    }

    /**
     * {@link #generate()} with a certificate valid for {@code hostNames} too (DNS names or IP literals), checked by
     * {@link #checkHostName}.
     */
    public static ListenerTls generate(List<String> hostNames) {
        hostNames.forEach(ListenerTls::checkHostName);
        Instant now = Instant.now();
        Instant notBefore = now.minus(1, ChronoUnit.HOURS);
        Instant notAfter = now.plus(VALIDITY_DAYS, ChronoUnit.DAYS);
        X509Bundle authority = CertificateIssuer.authority(
                "CN=wschaos test authority " + HexFormat.of().formatHex(randomBytes(8)) + ", O=wschaos", notBefore, notAfter);
        X509Bundle leaf = CertificateIssuer.leaf(authority, LEAF_SUBJECT, notBefore, notAfter, names(hostNames));
        return new ListenerTls(authority, leaf, hostNames);
    }

    /** Loopback's names and {@code hostNames} as the certificate's subject alternative names. */
    private static GeneralNames names(List<String> hostNames) {
        List<GeneralName> names = new ArrayList<>(List.of(new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.iPAddress, "::1")));
        for (String name : hostNames) {
            names.add(isIpLiteral(name)
                    ? new GeneralName(GeneralName.iPAddress, name.startsWith("[") ? name.substring(1, name.length() - 1) : name)
                    : new GeneralName(GeneralName.dNSName, name.toLowerCase(Locale.ROOT)));
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    /**
     * Checks one extra name for the listener's certificate.
     *
     * @throws IllegalArgumentException naming it and what is accepted
     */
    public static void checkHostName(String name) {
        if (name == null || !(isIpLiteral(name) || DNS_NAME.matcher(name).matches())) {
            throw new IllegalArgumentException("TLS host name '" + name + "' is neither a DNS name nor an IP address;"
                    + " accepted are names such as chat.test or wschaos, and IP literals such as"
                    + " 10.0.0.5 or ::1");
        }
    }

    private static final Pattern DNS_NAME = Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    /** An IPv4 or IPv6 literal, bracketed or not, without a zone: checked as text, never looked up. */
    private static boolean isIpLiteral(String name) {
        return NetUtil.isValidIpV4Address(name) || (NetUtil.isValidIpV6Address(name) && name.indexOf('%') < 0);
    }

    private static final int VALIDITY_DAYS = 365;
    private static final String LEAF_SUBJECT = "CN=localhost, O=wschaos";
    private static final SecureRandom RANDOM = new SecureRandom();

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** The authority clients must trust. */
    public X509Bundle authority() {
        return authority;
    }

    /** The loopback certificate and its key, issued by {@link #authority()}. */
    X509Bundle leaf() {
        return leaf;
    }

    /** The context for a normal handshake. */
    public SslContext context() {
        return normal;
    }

    /** The context presenting the flaw of {@code mode} (one of the certificate or protocol modes). */
    public synchronized SslContext context(TlsMismatch mode) {
        return flawed.computeIfAbsent(mode, this::flawedContext);
    }

    private SslContext flawedContext(TlsMismatch mode) {
        Instant now = Instant.now();
        Instant notAfter = now.plus(VALIDITY_DAYS, ChronoUnit.DAYS);
        return switch (mode) {
            case UNTRUSTED_CERTIFICATE -> server(CertificateIssuer.leaf(null, "CN=localhost, O=untrusted", now, notAfter,
                    names(List.of())));
            case EXPIRED_CERTIFICATE -> server(CertificateIssuer.leaf(authority, LEAF_SUBJECT, now.minus(30, ChronoUnit.DAYS),
                    now.minus(1, ChronoUnit.DAYS), names(hostNames)));
            case WRONG_HOST_CERTIFICATE -> server(CertificateIssuer.leaf(authority, "CN=wrong-host.invalid, O=wschaos", now,
                    notAfter, new GeneralNames(new GeneralName(GeneralName.dNSName, "wrong-host.invalid"))));
            // NO_COMMON_PROTOCOL: the JDK speaks neither TLS 1.0 nor 1.1; OutdatedTlsListener answers in their place
            case PLAIN_LISTENER, TLS_LISTENER, NO_COMMON_PROTOCOL -> normal;
        };
    }

    /**
     * A server context that speaks HTTP/1.1 by ALPN as nginx's {@code listen ssl} does: a client that offers
     * {@code h2} and {@code http/1.1} (browsers, curl) is told {@code http/1.1}, one that offers only {@code h2} (gRPC,
     * Node's {@code http2.connect}) gets a {@code no_application_protocol} alert, and one that offers nothing is served.
     */
    private static SslContext server(X509Bundle bundle) {
        try {
            // The JDK's provider, whatever the classpath holds: Netty's OpenSSL provider, chosen by default where
            // netty-tcnative is present (next to gRPC or Armeria, say), cannot send the alert (FATAL_ALERT).
            return SslContextBuilder.forServer(bundle.toKeyManagerFactory())
                    .sslProvider(SslProvider.JDK)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.FATAL_ALERT,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_1_1))
                    .build();
        } catch (Exception e) {
            throw new IllegalStateException("Could not set up TLS on the listener: " + e, e);
        }
    }
}
