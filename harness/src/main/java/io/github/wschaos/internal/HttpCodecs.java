package io.github.wschaos.internal;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;

/**
 * The HTTP codecs of the two sides of a connection before the upgrade, as lenient as nginx where Netty's defaults
 * are stricter, so that what works through nginx works through the proxy instead of getting a {@code 400} or a
 * {@code 502} that nginx would not give:
 * <ul>
 *   <li>both sides read a line that ends in a bare {@code LF} as one that ends in {@code CRLF} (RFC 9112, section
 *       2.2, allows it; hand-written servers and clients write them), and the head is passed on with {@code CRLF};
 *   <li>an upstream's answer with its {@code Content-Length} repeated with the same value is read with that length,
 *       and one with both {@code Transfer-Encoding: chunked} and {@code Content-Length} is read as chunked, the length
 *       dropped (RFC 9112, section 6.3); the client gets it chunked, as from nginx (requests keep Netty's checks on
 *       these two, as nginx refuses such requests with {@code 400});
 *   <li>a client may pipeline more than Netty's 128 requests ahead of their answers;
 *   <li>a header value may hold control characters other than NUL and CR, as nginx passes them.
 * </ul>
 */
public final class HttpCodecs {

    private static final int MAX_REQUEST_LINE = 8192;
    private static final int MAX_STATUS_LINE = 4096;
    /** The largest upstream response head the decoder reads (a larger one gets the client {@code 502}). */
    public static final int MAX_RESPONSE_HEAD = 64 * 1024;
    /** The largest piece of a body passed on at once (a body is relayed in pieces, never held whole). */
    private static final int MAX_CHUNK = 8192;
    /**
     * Pipelined requests read ahead of their answers before the connection fails. Netty's default, 128, failed a
     * client that pipelines more (nginx answers them all, one after the other); how many are read ahead is bounded
     * anyway, as the client is read only while the upstream takes what is sent to it.
     */
    private static final int MAX_PIPELINED = 1 << 16;

    private HttpCodecs() {
    }

    /**
     * Reads the client's requests and writes the answers to it.
     *
     * @param maxHeaderSize the largest request head read; a larger one is answered as nginx answers it
     * @param judgeFirst whether the first request line read is judged by the codec (see {@link ClientHttpCodec})
     */
    static ClientHttpCodec clientSide(int maxHeaderSize, boolean judgeFirst) {
        ClientConfig cached = clientConfig;
        if (cached == null || cached.maxHeaderSize() != maxHeaderSize) {
            // The decoder's own limit leaves room for nginx's first buffer: HeaderLines decides, as nginx's buffers do.
            cached = new ClientConfig(maxHeaderSize, config(MAX_REQUEST_LINE, maxHeaderSize + HeaderLines.FIRST_BUFFER));
            clientConfig = cached;
        }
        return new ClientHttpCodec(cached.config(), judgeFirst, MAX_PIPELINED);
    }

    /** Writes the requests to the upstream and reads its answers. */
    static HttpClientCodec upstreamSide() {
        return new HttpClientCodec(UPSTREAM_CONFIG, false, false);
    }

    /*
     * The decoder configurations are made once, not per connection (a configuration and its two header factories cost a
     * handshake storm): a decoder reads its configuration when it is made and keeps none of it but the header
     * factories, which are immutable; a configuration is never changed once made.
     */
    private static final HttpDecoderConfig UPSTREAM_CONFIG = config(MAX_STATUS_LINE, MAX_RESPONSE_HEAD)
            .setAllowDuplicateContentLengths(true)
            .setUseRfc9112TransferEncoding(false);

    /** The client side's configuration for the last head size asked for (one per proxy, as a rule). */
    private static volatile ClientConfig clientConfig;

    private record ClientConfig(int maxHeaderSize, HttpDecoderConfig config) {
    }

    private static HttpDecoderConfig config(int maxLine, int maxHeaderSize) {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(maxLine)
                .setMaxHeaderSize(maxHeaderSize)
                .setMaxChunkSize(MAX_CHUNK)
                .setStrictLineParsing(false)
                .setHeadersFactory(DefaultHttpHeadersFactory.headersFactory().withValueValidator(HttpCodecs::asNginx))
                .setTrailersFactory(DefaultHttpHeadersFactory.trailersFactory().withValueValidator(HttpCodecs::asNginx));
    }

    /**
     * Refuses a header value as nginx does: one with a NUL or a bare CR. Netty's own check refuses every control
     * character, which gave a client a {@code 400}, or a {@code 101} from the upstream a {@code 502}, where nginx passes
     * a {@code \x01} or {@code \x7f} on.
     */
    private static void asNginx(CharSequence value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0 || c == '\r') {
                throw new IllegalArgumentException("a header value contains " + (c == 0 ? "NUL" : "a bare CR"));
            }
        }
    }
}
