package io.github.wschaos.internal;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.TrustManagerFactory;

/**
 * The PEM certificates a {@code wss://} upstream's certificate must chain to, in place of the JDK's default trust
 * store (for a test server with its own authority): the server's {@code upstream_ca}, the command line's
 * {@code --upstream-ca}.
 */
public final class PemTrust {

    private PemTrust() {
    }

    /**
     * A trust manager factory trusting exactly the certificates in {@code pem}.
     *
     * @throws IllegalArgumentException saying what is wrong and what is accepted, quoting the start of the text, when
     *     it holds no PEM certificate
     */
    public static TrustManagerFactory of(String pem) {
        try {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            if (certificates.isEmpty()) {
                throw new GeneralSecurityException("no certificate found");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("upstream-ca-" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            return trust;
        } catch (GeneralSecurityException | java.io.IOException e) {
            String start = pem.length() > 40 ? pem.substring(0, 40) + "..." : pem;
            throw new IllegalArgumentException("not a PEM certificate (-----BEGIN CERTIFICATE----- ...): "
                    + e.getMessage() + "; got \"" + start.replace("\n", "\\n") + "\"", e);
        }
    }
}
