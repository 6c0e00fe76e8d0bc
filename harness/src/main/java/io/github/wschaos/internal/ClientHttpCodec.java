package io.github.wschaos.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The client side's HTTP codec before the upgrade: Netty's request decoder and response encoder, as in Netty's
 * {@code HttpServerCodec}, with two things of nginx's:
 * <ul>
 *   <li>every request line on a connection is judged as nginx judges it ({@link RequestLineJudge}), not only the first
 *       one (which {@link ProtocolSniffer} or {@link RequestStart} judge before any codec sees it): a later request with
 *       a lowercase method or a control character in its target gets {@code 400}, and bytes that cannot start a request
 *       (a WebSocket frame after a refused upgrade, binary bytes after an answer) get it at once, where the decoder alone
 *       relayed the one and skipped the other while it waited for a line break that never came;
 *   <li>the start of a later request head is told to the handler after it ({@link #NEXT_REQUEST_STARTED}), which times
 *       the head as nginx's {@code client_header_timeout} does.
 * </ul>
 * The answer to a {@code HEAD} request is written without a body, as the request's answer, whatever informational
 * answers came before it.
 */
final class ClientHttpCodec extends CombinedChannelDuplexHandler<ClientHttpCodec.Requests, ClientHttpCodec.Answers> {

    /**
     * A user event: the first byte of a later request (one that can start a request line) has come, before the decoder
     * reads it; the request follows when its head is whole.
     */
    static final Object NEXT_REQUEST_STARTED = new Object() {
        @Override
        public String toString() {
            return "NEXT_REQUEST_STARTED";
        }
    };

    private static final String HEAD_TEXT = "HEAD ";
    private static final byte[] HEAD = HEAD_TEXT.getBytes(StandardCharsets.US_ASCII);

    /** Whether each request not answered yet is a {@code HEAD}, oldest first. */
    private final ArrayDeque<Boolean> heads = new ArrayDeque<>(2);
    private final int maxPipelined;

    /**
     * @param judgeFirst whether the first request line is judged here too (a codec put in after a refused upgrade, whose
     *     next bytes no one has judged yet)
     * @param maxPipelined the requests read ahead of their answers past which the connection fails
     */
    ClientHttpCodec(HttpDecoderConfig config, boolean judgeFirst, int maxPipelined) {
        this.maxPipelined = maxPipelined;
        init(new Requests(config, judgeFirst), new Answers());
    }

    /** Whether the request line in {@code in} starts with {@code HEAD} and a space (after any empty lines). */
    static boolean isHead(ByteBuf in) {
        int start = in.readerIndex();
        while (start < in.writerIndex() && (in.getByte(start) == '\r' || in.getByte(start) == '\n')) {
            start++;
        }
        return in.writerIndex() - start >= HEAD.length
                && in.toString(start, HEAD.length, StandardCharsets.US_ASCII).equals(HEAD_TEXT);
    }

    /** The decoder: Netty's, after each request line is judged. */
    final class Requests extends HttpRequestDecoder {

        /** The next bytes start a request whose line has not been judged yet. */
        private boolean judgeNext;
        /** A request has ended and the next one's head has not come whole yet. */
        private boolean betweenRequests;
        /** The start of the next request was told to the handler after this one. */
        private boolean startTold;
        /** The client sent what no request starts with, or too many requests ahead: the rest is dropped. */
        private boolean discarding;

        Requests(HttpDecoderConfig config, boolean judgeFirst) {
            super(config);
            // A connection's first head is timed from its start; one after a refused upgrade is a later request.
            this.judgeNext = judgeFirst;
            this.betweenRequests = judgeFirst;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
            if (discarding) {
                in.skipBytes(in.readableBytes());
                return;
            }
            if (betweenRequests && !startTold && RequestStart.judgeStart(in) == RequestStart.PLAUSIBLE) {
                // Told before the decoder reads it: it takes whole lines without a word, so a head cut short after a
                // line leaves no bytes behind.
                startTold = true;
                ctx.fireUserEventTriggered(NEXT_REQUEST_STARTED);
            }
            if (judgeNext) {
                int verdict = RequestLineJudge.judge(in);
                if (verdict == RequestStart.PLAUSIBLE) {
                    judgeNext = false;
                } else if (verdict != RequestStart.UNDECIDED) {
                    out.add(refused(in, verdict));
                    discarding = true;
                    in.skipBytes(in.readableBytes());
                    return;
                }
            }
            int before = out.size();
            super.decode(ctx, in, out);
            for (int i = before; i < out.size(); i++) {
                Object decoded = out.get(i);
                if (decoded instanceof HttpRequest request) {
                    heads.add(HttpMethod.HEAD.equals(request.method()));
                    betweenRequests = false;
                    startTold = false;
                    if (heads.size() > maxPipelined) {
                        // As Netty's codec: the request is dropped and the connection fails.
                        discarding = true;
                        for (int last = out.size() - 1; last >= i; last--) {
                            ReferenceCountUtil.release(out.remove(last));
                        }
                        in.skipBytes(in.readableBytes());
                        throw new DecoderException("more than " + maxPipelined + " requests read ahead of their answers");
                    }
                }
                if (decoded instanceof LastHttpContent) {
                    judgeNext = true;
                    betweenRequests = true;
                }
            }
        }

        /** A request that stands for the refused bytes: the handler after the decoder answers it in its turn. */
        private HttpRequest refused(ByteBuf in, int verdict) {
            HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/bad-request");
            request.setDecoderResult(DecoderResult.failure(new RefusedRequestLine(RequestStart.reason(in, verdict),
                    (verdict & RequestLineJudge.VERSION_NOT_SUPPORTED) != 0)));
            heads.add(isHead(in)); // nginx's 400 to a HEAD has no body either
            return request;
        }
    }

    /** The encoder: Netty's, told which answers are to a {@code HEAD}. */
    final class Answers extends HttpResponseEncoder {

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            int code = msg.status().code();
            boolean answersARequest = code >= 200 || code == HttpResponseStatus.SWITCHING_PROTOCOLS.code();
            boolean toHead = answersARequest && Boolean.TRUE.equals(heads.poll());
            return toHead || super.isContentAlwaysEmpty(msg);
        }
    }

    /** A request line that nginx refuses: {@code 400}, or {@code 505} for a version from HTTP/2 on. */
    static final class RefusedRequestLine extends DecoderException {

        private final boolean versionNotSupported;

        RefusedRequestLine(String reason, boolean versionNotSupported) {
            super(reason);
            this.versionNotSupported = versionNotSupported;
        }

        HttpResponseStatus status() {
            return versionNotSupported ? HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED : HttpResponseStatus.BAD_REQUEST;
        }
    }
}
