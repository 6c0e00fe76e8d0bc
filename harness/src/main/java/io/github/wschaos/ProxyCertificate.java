package io.github.wschaos;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The certificate a TLS proxy listener presents, generated in memory for this run (the private key never
 * touches the disk), with the trust material a client needs to accept it.
 *
 * <p>The certificate is self-signed, valid for {@code localhost}, {@code 127.0.0.1} and {@code ::1}, from one
 * hour ago to one day from now. A client that is not given this trust material sees what it would see in
 * front of any self-signed certificate (for Java clients, "PKIX path building failed").
 */
public final class ProxyCertificate {

    private final X509Bundle bundle;

    private ProxyCertificate(X509Bundle bundle) {
        this.bundle = bundle;
    }

    /** A new self-signed certificate for the loopback names. */
    public static ProxyCertificate forLoopback() {
        Instant now = Instant.now();
        return generate(new CertificateBuilder()
                .subject("CN=localhost, O=wschaos")
                .addSanDnsName("localhost")
                .addSanIpAddress("127.0.0.1")
                .addSanIpAddress("::1")
                .notBefore(now.minus(1, ChronoUnit.HOURS))
                .notAfter(now.plus(1, ChronoUnit.DAYS))
                .setIsCertificateAuthority(true)
                .addExtendedKeyUsageServerAuth()
                .ecp256());
    }

    static ProxyCertificate generate(CertificateBuilder builder) {
        try {
            return new ProxyCertificate(builder.buildSelfSigned());
        } catch (Exception e) {
            throw new IllegalStateException("Could not generate a certificate: " + e, e);
        }
    }

    /** The certificate itself. */
    public X509Certificate certificate() {
        return bundle.getCertificate();
    }

    /** The certificate in PEM form, for non-Java clients (Node's {@code ca} option, curl's {@code --cacert}). */
    public String pem() {
        return bundle.getCertificatePEM();
    }

    /** A trust manager factory that trusts this certificate and nothing else. */
    public TrustManagerFactory trustManagerFactory() {
        return bundle.toTrustManagerFactory();
    }

    /** A client {@code SSLContext} that trusts this certificate, e.g. for {@code HttpClient.newBuilder().sslContext(...)}. */
    public SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagerFactory().getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not build an SSLContext trusting " + this + ": " + e, e);
        }
    }

    /** The server side: the key and certificate, for the proxy's own listener. Not for clients. */
    KeyManagerFactory keyManagerFactory() {
        try {
            return bundle.toKeyManagerFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not load the generated key: " + e, e);
        }
    }

    @Override
    public String toString() {
        return "certificate " + certificate().getSubjectX500Principal().getName() + " valid until "
                + certificate().getNotAfter().toInstant();
    }
}
