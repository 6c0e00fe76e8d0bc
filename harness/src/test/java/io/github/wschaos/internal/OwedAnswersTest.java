package io.github.wschaos.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class OwedAnswersTest {

    private final OwedAnswers answers = new OwedAnswers();

    private static HttpRequest request(String target) {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target);
    }

    @Test
    void theLaterRequestAwaitedIsTheOldestWaitingOnAKeptAliveConnection() {
        answers.passedOn(request("/first"));
        assertThat(answers.laterRequestAwaited()).as("the connection's first request: the record names it").isEmpty();
        answers.answerStarted();
        answers.answerEnded();
        answers.passedOn(request("/second"));
        answers.passedOn(request("/third"));
        assertThat(answers.laterRequestAwaited()).isEqualTo("GET /second (a later request on this kept-alive connection)");
        answers.answerStarted();
        answers.answerEnded();
        assertThat(answers.laterRequestAwaited()).isEqualTo("GET /third (a later request on this kept-alive connection)");
    }

    @Test
    void aRefusalIsDueOnceTheAnswersBeforeItHaveEnded() {
        answers.passedOn(request("/"));
        answers.passedOn(request("/"));
        OwedAnswers.Refusal refusal = new OwedAnswers.Refusal(
                ErrorPages.response(ByteBufAllocator.DEFAULT, HttpResponseStatus.BAD_REQUEST), "refused");
        answers.refuseAfter(2, refusal);

        answers.answerStarted();
        assertThat(answers.answerEnded()).as("after the first answer").isNull();
        answers.answerStarted();
        OwedAnswers.Refusal due = answers.answerEnded();

        assertThat(due).as("after the second answer").isSameAs(refusal);
        assertThat(answers.refusalWaiting()).isFalse();
        assertThat(answers.unanswered()).isZero();
        due.response().release();
    }

    @Test
    void theNewestRequestCountsAsAnsweredOnceItsAnswerHasStarted() {
        answers.passedOn(request("/"));
        assertThat(answers.newestAnswered()).isFalse();
        assertThat(answers.answeredBefore()).isFalse();

        answers.answerStarted();
        assertThat(answers.newestAnswered()).isTrue();
        answers.answerEnded();
        assertThat(answers.newestAnswered()).isTrue();
        assertThat(answers.answeredBefore()).isTrue();

        answers.passedOn(request("/"));
        answers.passedOn(request("/"));
        answers.answerStarted();
        assertThat(answers.newestAnswered()).as("an answer under way is the older request's").isFalse();
    }

    @Test
    void aWaitingRefusalThatWillNotBeWrittenIsReleased() {
        answers.passedOn(request("/"));
        FullHttpResponse response = ErrorPages.response(ByteBufAllocator.DEFAULT, HttpResponseStatus.BAD_REQUEST);
        answers.refuseAfter(1, new OwedAnswers.Refusal(response, "refused"));

        answers.releaseRefusal();

        assertThat(response.refCnt()).isZero();
        assertThat(answers.refusalWaiting()).isFalse();
    }
}
