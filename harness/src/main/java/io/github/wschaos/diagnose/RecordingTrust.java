package io.github.wschaos.diagnose;

import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Delegates to real trust material (host name included, as a browser checks it), remembering the server's
 * certificate and the exact {@link CertificateException}; with {@code insecure} a problem is remembered but not thrown.
 */
final class RecordingTrust extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager delegate;
    private final boolean insecure;
    private volatile X509Certificate leaf;
    private volatile CertificateException problem;
    private volatile int chainLength;

    RecordingTrust(TrustManagerFactory factory, boolean insecure) {
        this.delegate = extended(factory);
        this.insecure = insecure;
    }

    private static X509ExtendedTrustManager extended(TrustManagerFactory factory) {
        try {
            if (factory == null) {
                factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init((KeyStore) null);
            }
        } catch (Exception e) {
            throw new IllegalStateException("no default trust material in this JDK: " + e, e);
        }
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager extended) {
                return extended;
            }
        }
        throw new IllegalArgumentException("the trust material has no X509ExtendedTrustManager");
    }

    X509Certificate leaf() {
        return leaf;
    }

    /** How many certificates the server sent (0 before the handshake got that far). */
    int chainLength() {
        return chainLength;
    }

    CertificateException problem() {
        return problem;
    }

    private void check(X509Certificate[] chain, Check check) throws CertificateException {
        leaf = chain.length > 0 ? chain[0] : null;
        chainLength = chain.length;
        try {
            check.run();
        } catch (CertificateException e) {
            problem = e;
            if (!insecure) {
                throw e;
            }
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, () -> delegate.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, () -> delegate.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, () -> delegate.checkServerTrusted(chain, authType));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        delegate.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }

    private interface Check {
        void run() throws CertificateException;
    }
}
