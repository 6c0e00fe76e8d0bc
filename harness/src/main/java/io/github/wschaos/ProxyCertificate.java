package io.github.wschaos;

import io.netty.pkitesting.X509Bundle;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What a client needs to trust a TLS proxy listener: the in-memory authority that issued the listener's
 * certificate (valid for {@code localhost}, {@code 127.0.0.1} and {@code ::1}). The private keys never touch
 * the disk and are new for every proxy.
 *
 * <p>A client that is not given this trust material sees what it sees in front of any unknown certificate
 * (for Java clients, "PKIX path building failed").
 */
public final class ProxyCertificate {

    private final X509Bundle authority;

    ProxyCertificate(X509Bundle authority) {
        this.authority = authority;
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
