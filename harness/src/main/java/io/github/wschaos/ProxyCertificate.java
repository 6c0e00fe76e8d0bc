package io.github.wschaos;

import io.github.wschaos.internal.ListenerTls;
import io.netty.pkitesting.X509Bundle;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What a client needs to trust a TLS proxy listener: the in-memory authority that issued the listener's
 * certificate (valid for {@code localhost}, {@code 127.0.0.1} and {@code ::1}, and the names given to
 * {@link #generate(String...)}). The private keys never touch
 * the disk and are new for every proxy, unless several proxies share one through
 * {@link ChaosProxy.Builder#tls(ProxyCertificate)}: then one trust accepts all of them.
 *
 * <p>A client that is not given this trust material sees what it sees in front of any unknown certificate
 * (for Java clients, "PKIX path building failed").
 */
public final class ProxyCertificate {

    private final ListenerTls material;
    private final X509Bundle authority;

    private ProxyCertificate(ListenerTls material) {
        this.material = material;
        this.authority = material.authority();
    }

    /**
     * A new authority and the loopback certificate it issues, generated in memory, to give to several proxies with
     * {@link ChaosProxy.Builder#tls(ProxyCertificate)} so that clients trust all of them (and proxies restarted
     * with it) through one {@link #pem()}.
     */
    public static ProxyCertificate generate() {
        return new ProxyCertificate(ListenerTls.generate());
    }

    /**
     * {@link #generate()} with a certificate valid for {@code hostNames} too, for clients that reach the proxy by
     * another name than loopback's: an app in a container ({@code host.testcontainers.internal}, a network alias), a
     * name in {@code /etc/hosts}. Each is a DNS name ({@code chat.test}, {@code wschaos}) or an IP literal
     * ({@code 10.0.0.5}, {@code ::1}).
     *
     * @throws IllegalArgumentException naming a host name that is none of these
     */
    public static ProxyCertificate generate(String... hostNames) {
        return new ProxyCertificate(ListenerTls.generate(List.of(hostNames)));
    }

    /** The listener's TLS material (certificates and keys), for the proxy that presents it. */
    ListenerTls material() {
        return material;
    }

    /** The authority's certificate: the one to trust. */
    public X509Certificate certificate() {
        return authority.getCertificate();
    }

    /** The authority's certificate in PEM form, for non-Java clients (Node's {@code ca}, curl's {@code --cacert}). */
    public String pem() {
        return authority.getCertificatePEM();
    }

    /** A trust manager factory that trusts the proxy's authority and nothing else. */
    public TrustManagerFactory trustManagerFactory() {
        return authority.toTrustManagerFactory();
    }

    /** A client {@code SSLContext} that trusts the proxy, e.g. for {@code HttpClient.newBuilder().sslContext(...)}. */
    public SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagerFactory().getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not build an SSLContext trusting " + this + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return "proxy authority " + certificate().getSubjectX500Principal().getName() + " valid until "
                + certificate().getNotAfter().toInstant();
    }
}
