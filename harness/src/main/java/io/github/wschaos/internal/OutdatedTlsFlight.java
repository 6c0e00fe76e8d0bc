package io.github.wschaos.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.pkitesting.X509Bundle;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The first flight of a server that speaks only TLS 1.0 and 1.1, with the listener's ECDSA certificate, as OpenSSL
 * sends it: {@code ServerHello}, {@code Certificate}, an ephemeral P-256 key in a {@code ServerKeyExchange} signed with
 * ECDSA over SHA-1 (the only signature these versions have), {@code ServerHelloDone}. A client whose TLS library
 * allows TLS 1.1 but not SHA-1 signatures (OpenSSL 3: curl, Python) refuses it there, as it refuses nginx's.
 */
final class OutdatedTlsFlight {

    static final int HANDSHAKE_RECORD = 0x16;
    static final int SECP256R1 = 23;

    /**
     * The cipher suites of TLS 1.0 and 1.1 for an ECDSA certificate in nginx's default {@code HIGH:!aNULL:!MD5}:
     * ECDHE-ECDSA with AES-256 or AES-128 (3DES is not {@code HIGH} in OpenSSL 1.1 and later).
     */
    private static final int[] ECDSA_SUITES = {0xC00A, 0xC009};

    private static final int SERVER_HELLO = 2;
    private static final int CERTIFICATE = 11;
    private static final int SERVER_KEY_EXCHANGE = 12;
    private static final int SERVER_HELLO_DONE = 14;
    private static final int NAMED_CURVE = 3;
    private static final int UNCOMPRESSED_POINTS = 0;
    private static final int EXTENSION_EC_POINT_FORMATS = 0x000b;
    private static final int EXTENSION_RENEGOTIATION_INFO = 0xff01;

    private OutdatedTlsFlight() {
    }

    /**
     * The cipher suite the server takes: the first of the client's, in the client's order (nginx's default,
     * {@code ssl_prefer_server_ciphers off}), that the certificate can serve in TLS 1.0 and 1.1; or -1 if none.
     */
    static int suiteFor(TlsClientHello hello) {
        for (int offered : hello.suites()) {
            for (int suite : ECDSA_SUITES) {
                if (offered == suite) {
                    return suite;
                }
            }
        }
        return -1;
    }

    /** The flight, in one record of {@code version}. */
    static ByteBuf build(ByteBufAllocator alloc, TlsClientHello hello, int version, int suite, X509Bundle leaf)
            throws GeneralSecurityException {
        byte[] serverRandom = new byte[32];
        ThreadLocalRandom.current().nextBytes(serverRandom);
        ByteBuf messages = alloc.buffer(2048);
        try {
            serverHello(messages, hello, version, suite, serverRandom);
            certificate(messages, leaf.getCertificatePath());
            serverKeyExchange(messages, hello.random(), serverRandom, leaf.getKeyPair());
            message(messages, SERVER_HELLO_DONE, alloc.buffer(0));
            ByteBuf record = alloc.buffer(5 + messages.readableBytes());
            record.writeByte(HANDSHAKE_RECORD).writeShort(version).writeShort(messages.readableBytes())
                    .writeBytes(messages);
            return record;
        } finally {
            messages.release();
        }
    }

    private static void serverHello(ByteBuf out, TlsClientHello hello, int version, int suite, byte[] random) {
        byte[] sessionId = new byte[32];
        ThreadLocalRandom.current().nextBytes(sessionId);
        ByteBuf body = out.alloc().buffer(128);
        body.writeShort(version).writeBytes(random).writeByte(sessionId.length).writeBytes(sessionId)
                .writeShort(suite).writeByte(0); // no compression
        ByteBuf extensions = out.alloc().buffer(16);
        if (hello.secureRenegotiation()) {
            extensions.writeShort(EXTENSION_RENEGOTIATION_INFO).writeShort(1).writeByte(0); // empty: a first handshake
        }
        if (hello.pointFormats()) {
            extensions.writeShort(EXTENSION_EC_POINT_FORMATS).writeShort(2).writeByte(1).writeByte(UNCOMPRESSED_POINTS);
        }
        body.writeShort(extensions.readableBytes()).writeBytes(extensions);
        extensions.release();
        message(out, SERVER_HELLO, body);
    }

    private static void certificate(ByteBuf out, X509Certificate[] chain) throws GeneralSecurityException {
        ByteBuf body = out.alloc().buffer(1024);
        int length = 0;
        for (X509Certificate certificate : chain) {
            length += 3 + certificate.getEncoded().length;
        }
        body.writeMedium(length);
        for (X509Certificate certificate : chain) {
            byte[] der = certificate.getEncoded();
            body.writeMedium(der.length).writeBytes(der);
        }
        message(out, CERTIFICATE, body);
    }

    /** An ephemeral P-256 key, signed with the certificate's key over SHA-1 of both randoms and the parameters. */
    private static void serverKeyExchange(ByteBuf out, byte[] clientRandom, byte[] serverRandom, KeyPair certificateKey)
            throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        ECPublicKey ephemeral = (ECPublicKey) generator.generateKeyPair().getPublic();
        byte[] point = new byte[65];
        point[0] = 0x04; // uncompressed
        unsigned(ephemeral.getW().getAffineX(), point, 1);
        unsigned(ephemeral.getW().getAffineY(), point, 33);
        byte[] params = new byte[4 + point.length];
        params[0] = NAMED_CURVE;
        params[1] = 0;
        params[2] = SECP256R1;
        params[3] = (byte) point.length;
        System.arraycopy(point, 0, params, 4, point.length);
        Signature signer = Signature.getInstance("SHA1withECDSA");
        signer.initSign(certificateKey.getPrivate());
        signer.update(clientRandom);
        signer.update(serverRandom);
        signer.update(params);
        byte[] signature = signer.sign();
        ByteBuf body = out.alloc().buffer(params.length + 2 + signature.length);
        body.writeBytes(params).writeShort(signature.length).writeBytes(signature);
        message(out, SERVER_KEY_EXCHANGE, body);
    }

    /** Writes {@code value} as 32 unsigned big-endian bytes at {@code offset}. */
    private static void unsigned(BigInteger value, byte[] into, int offset) {
        byte[] bytes = value.toByteArray(); // may carry a leading sign byte, or be shorter than 32
        int copy = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - copy, into, offset + 32 - copy, copy);
    }

    /** Appends a handshake message of {@code type} with {@code body}, and releases the body. */
    private static void message(ByteBuf out, int type, ByteBuf body) {
        out.writeByte(type).writeMedium(body.readableBytes()).writeBytes(body);
        body.release();
    }
}
