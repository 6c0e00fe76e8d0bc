package io.github.wschaos.internal;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import java.util.ArrayDeque;

/**
 * The answers one client connection is owed, in the order of its requests (HTTP/1.1 answers pipelined requests in
 * order): how many requests passed on to the upstream still wait for the end of their answer, whether an answer is
 * being relayed, and a refusal of the proxy's own that waits for the answers to the requests before it. Used on the
 * connection's event loop only.
 */
final class OwedAnswers {

    /** The proxy's own answer to a request, and what the record says of it once it is written. */
    record Refusal(FullHttpResponse response, String failure) {
    }

    private int unanswered;
    /** The requests passed on whose answer has not ended, oldest first (pipelined ones after it). */
    private final ArrayDeque<HttpRequest> waiting = new ArrayDeque<>(2);
    private boolean underway;
    private boolean answeredBefore;
    private Refusal refusal;
    private int answersBeforeRefusal;

    /** {@code request} was passed on towards the upstream. */
    void passedOn(HttpRequest request) {
        unanswered++;
        waiting.add(request);
    }

    /**
     * The request whose answer comes next from the upstream, as {@link #laterRequest}, when it is a later request on a
     * kept-alive connection (the record names the first): empty otherwise.
     */
    String laterRequestAwaited() {
        HttpRequest oldest = waiting.peek();
        return oldest == null || !answeredBefore ? "" : laterRequest(oldest);
    }

    /** How a record's failure names {@code request}, a later one on a kept-alive connection than the record's own. */
    static String laterRequest(HttpRequest request) {
        return request.method() + " " + request.uri() + " (a later request on this kept-alive connection)";
    }

    /** The head of the upstream's final answer to the oldest waiting request is being passed to the client. */
    void answerStarted() {
        underway = true;
    }

    /**
     * The upstream's final answer to the oldest waiting request has ended.
     *
     * @return the waiting refusal if its turn has come (the caller writes it, or releases it), else null
     */
    Refusal answerEnded() {
        underway = false;
        answeredBefore = true;
        unanswered = Math.max(0, unanswered - 1);
        waiting.poll();
        if (refusal != null && --answersBeforeRefusal == 0) {
            Refusal due = refusal;
            refusal = null;
            return due;
        }
        return null;
    }

    /** Requests passed on whose answer has not started (its head has not reached the client). */
    int answersNotStarted() {
        return unanswered - (underway ? 1 : 0);
    }

    /** The requests from now on go over a new upstream connection, on which no answer has ended yet. */
    void newUpstreamConnection() {
        answeredBefore = false;
    }

    /** Requests passed on whose answer has not ended. */
    int unanswered() {
        return unanswered;
    }

    /** Whether an answer's head has reached the client and its end not yet: nothing else can be written to it then. */
    boolean answerUnderway() {
        return underway;
    }

    /** Whether an upstream answer has ended on this connection: the requests after it ride a kept-alive connection. */
    boolean answeredBefore() {
        return answeredBefore;
    }

    /** Whether the answer to the newest request passed on has started, or ended. */
    boolean newestAnswered() {
        return unanswered == 0 || (unanswered == 1 && underway);
    }

    /** Holds the proxy's {@code refusal} of a request until the answers to the {@code earlier} requests have ended. */
    void refuseAfter(int earlier, Refusal refusal) {
        this.refusal = refusal;
        answersBeforeRefusal = earlier;
    }

    /** Whether a refusal waits for its turn. */
    boolean refusalWaiting() {
        return refusal != null;
    }

    /** Releases a waiting refusal that will not be written (the connection ends first). */
    void releaseRefusal() {
        if (refusal != null) {
            refusal.response().release();
            refusal = null;
        }
    }
}
