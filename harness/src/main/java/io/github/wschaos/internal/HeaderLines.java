package io.github.wschaos.internal;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import java.util.Iterator;
import java.util.Map;

/**
 * nginx's limits on a request head's lines. It reads a head into a 1 KiB buffer ({@code client_header_buffer_size 1k})
 * and, past that, into at most 4 larger ones ({@code large_client_header_buffers 4 8k}); a line that does not fit in
 * what is left of a buffer moves whole to the next. So a line longer than a large buffer is refused, and so is a head of
 * long lines well before 4 x 8 KiB (9 lines of 3,000 bytes: two fit in a buffer, the ninth in none): both get
 * {@code 400 Request Header Or Cookie Too Large}. The HTTP decoder's own limit on the whole head is set to all that
 * these buffers can hold together (the first and the 4 large ones), so that they decide.
 */
final class HeaderLines {

    /** How many large buffers nginx reads a request head into: one is a quarter of the whole head's limit. */
    static final int BUFFERS = 4;
    /** nginx's {@code client_header_buffer_size}: a head's first bytes, the request line among them. */
    static final int FIRST_BUFFER = 1024;

    private HeaderLines() {
    }

    /**
     * Marks {@code request} as failed, as a too long head, if its lines do not fit in nginx's buffers of
     * {@code largeBuffer} bytes, filled as nginx fills them; the lines are counted as {@code name: value} and CRLF (a
     * client that writes {@code name:value} or pads the value with spaces is counted a byte or a few off), and each
     * request starts with empty buffers (nginx fills a pipelined request into what the one before left).
     */
    static void refuseOverflowing(HttpRequest request, int largeBuffer) {
        if (request.decoderResult().isFailure()) {
            return;
        }
        int requestLine = request.method().name().length() + 1 + request.uri().length() + 1
                + request.protocolVersion().text().length() + 2;
        Buffers buffers = new Buffers(largeBuffer);
        buffers.place(requestLine); // never refused here: the decoder's line limit is lower than a large buffer
        Iterator<Map.Entry<CharSequence, CharSequence>> headers = request.headers().iteratorCharSequence();
        while (headers.hasNext()) {
            Map.Entry<CharSequence, CharSequence> header = headers.next();
            int line = header.getKey().length() + 2 + header.getValue().length() + 2;
            if (!buffers.place(line)) {
                String why = line > largeBuffer ? "more than " + largeBuffer
                        : "past the last of nginx's " + BUFFERS + " buffers of " + largeBuffer + " bytes (each holds whole"
                                + " lines: " + buffers.linesInLast() + " in the last)";
                request.setDecoderResult(DecoderResult.failure(new TooLongHttpHeaderException(
                        "header " + header.getKey() + " is " + line + " bytes long, " + why)));
                return;
            }
        }
        if (!buffers.place(2)) { // the blank line that ends the head
            request.setDecoderResult(DecoderResult.failure(new TooLongHttpHeaderException(
                    "the request head's end is past the last of nginx's " + BUFFERS + " buffers of " + largeBuffer
                            + " bytes")));
        }
    }

    /** The buffers a head's lines fill, in order; a line that does not fit in what is left moves to the next buffer. */
    private static final class Buffers {

        private final int largeBuffer;
        private int capacity = FIRST_BUFFER;
        private int used;
        private int large;
        private int linesInCurrent;

        Buffers(int largeBuffer) {
            this.largeBuffer = largeBuffer;
        }

        /** Places a line of {@code length} bytes; false if it fits in no buffer. */
        boolean place(int length) {
            if (used + length <= capacity) {
                used += length;
                linesInCurrent++;
                return true;
            }
            if (length > largeBuffer || large == BUFFERS) {
                return false;
            }
            large++;
            capacity = largeBuffer;
            used = length;
            linesInCurrent = 1;
            return true;
        }

        int linesInLast() {
            return linesInCurrent;
        }
    }
}
