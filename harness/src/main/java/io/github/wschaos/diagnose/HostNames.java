package io.github.wschaos.diagnose;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Whether a certificate names a host, as HTTPS clients check it (RFC 6125): its subject alternative names, DNS names
 * with a {@code *.} wildcard for one label, IP addresses compared as addresses. Used where the JDK's own check was
 * skipped ({@code --insecure}).
 */
final class HostNames {

    private static final int DNS = 2;
    private static final int IP = 7;

    private HostNames() {
    }

    static boolean matches(X509Certificate certificate, String host) {
        String wanted = host.toLowerCase(Locale.ROOT);
        if (wanted.startsWith("[") && wanted.endsWith("]")) {
            wanted = wanted.substring(1, wanted.length() - 1);
        }
        for (List<?> name : alternativeNames(certificate)) {
            int type = (Integer) name.get(0);
            String value = String.valueOf(name.get(1)).toLowerCase(Locale.ROOT);
            if (type == IP && sameAddress(value, wanted)) {
                return true;
            }
            if (type == DNS && dnsMatches(value, wanted)) {
                return true;
            }
        }
        return false;
    }

    /** The certificate's subject alternative names, for a message. */
    static List<String> names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        for (List<?> name : alternativeNames(certificate)) {
            names.add(String.valueOf(name.get(1)));
        }
        return names;
    }

    private static Collection<List<?>> alternativeNames(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            return names == null ? List.of() : names;
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    private static boolean dnsMatches(String pattern, String host) {
        if (pattern.startsWith("*.")) {
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot).equals(pattern.substring(1));
        }
        return pattern.equals(host);
    }

    /** An IPv4 or IPv6 literal, checked as text: never a name to look up. */
    private static boolean isAddressLiteral(String text) {
        return NetUtil.isValidIpV4Address(text) || NetUtil.isValidIpV6Address(text);
    }

    private static boolean sameAddress(String address, String host) {
        if (!isAddressLiteral(host) || !isAddressLiteral(address)) {
            return false;
        }
        try { // literals only: nothing is looked up
            return InetAddress.getByName(address).equals(InetAddress.getByName(host));
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
