package io.github.wschaos.internal;

import io.netty.pkitesting.X509Bundle;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Issues the listener's certificates (EC P-256, signed with SHA-256) with the extensions that strict verifiers require
 * (OpenSSL's {@code -x509_strict}, on by default in Python 3.13's {@code ssl.create_default_context()}): an authority
 * with a critical {@code keyUsage} of {@code keyCertSign} and a Subject Key Identifier, and leaves with a Subject and an
 * Authority Key Identifier, as a public CA's certificates have.
 */
final class CertificateIssuer {

    private static final SecureRandom RANDOM = new SecureRandom();

    private CertificateIssuer() {
    }

    /** A self-signed authority, to be trusted by clients and to issue {@link #leaf}s. */
    static X509Bundle authority(String subject, Instant notBefore, Instant notAfter) {
        KeyPair keys = keyPair();
        X500Principal name = new X500Principal(subject);
        X509Certificate certificate = sign(builder(name, name, notBefore, notAfter, keys, keys, true,
                KeyUsage.keyCertSign | KeyUsage.cRLSign, null), keys);
        return X509Bundle.fromRootCertificateAuthority(certificate, keys);
    }

    /**
     * A server certificate for {@code names}, issued by {@code issuer}, or self-signed (and its own authority, as a
     * self-signed certificate made by hand usually is) where {@code issuer} is null.
     */
    static X509Bundle leaf(X509Bundle issuer, String subject, Instant notBefore, Instant notAfter, GeneralNames names) {
        KeyPair keys = keyPair();
        X500Principal name = new X500Principal(subject);
        if (issuer == null) {
            return X509Bundle.fromRootCertificateAuthority(sign(builder(name, name, notBefore, notAfter, keys, keys, true,
                    KeyUsage.digitalSignature | KeyUsage.keyCertSign, names), keys), keys);
        }
        X509Certificate certificate = sign(builder(issuer.getCertificate().getSubjectX500Principal(), name, notBefore,
                notAfter, keys, issuer.getKeyPair(), false, KeyUsage.digitalSignature, names), issuer.getKeyPair());
        X509Certificate[] issuerPath = issuer.getCertificatePath();
        X509Certificate[] path = new X509Certificate[issuerPath.length + 1];
        path[0] = certificate;
        System.arraycopy(issuerPath, 0, path, 1, issuerPath.length);
        return X509Bundle.fromCertificatePath(path, issuer.getRootCertificate(), keys);
    }

    /** A certificate's fields and extensions; {@code names} null for an authority's, which serves no host. */
    private static X509v3CertificateBuilder builder(X500Principal issuer, X500Principal subject, Instant notBefore,
            Instant notAfter, KeyPair keys, KeyPair signer, boolean authority, int keyUsage, GeneralNames names) {
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    new BigInteger(64, RANDOM).setBit(63), Date.from(notBefore), Date.from(notAfter), subject,
                    keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(authority))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(signer.getPublic()));
            if (names != null) {
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                        .addExtension(Extension.subjectAlternativeName, false, names);
            }
            return builder;
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("Could not generate a certificate for " + subject.getName() + ": " + e, e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("Could not sign a certificate: " + e, e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not generate an EC P-256 key: " + e, e);
        }
    }
}
