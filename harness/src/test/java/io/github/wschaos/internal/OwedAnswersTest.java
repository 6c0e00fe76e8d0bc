package io.github.wschaos.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.Test;

class OwedAnswersTest {

    private final OwedAnswers answers = new OwedAnswers();

    @Test
    void aRefusalIsDueOnceTheAnswersBeforeItHaveEnded() {
        answers.passedOn();
        answers.passedOn();
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
        answers.passedOn();
        assertThat(answers.newestAnswered()).isFalse();
        assertThat(answers.answeredBefore()).isFalse();

        answers.answerStarted();
        assertThat(answers.newestAnswered()).isTrue();
        answers.answerEnded();
        assertThat(answers.newestAnswered()).isTrue();
        assertThat(answers.answeredBefore()).isTrue();

        answers.passedOn();
        answers.passedOn();
        answers.answerStarted();
        assertThat(answers.newestAnswered()).as("an answer under way is the older request's").isFalse();
    }

    @Test
    void aWaitingRefusalThatWillNotBeWrittenIsReleased() {
        answers.passedOn();
        FullHttpResponse response = ErrorPages.response(ByteBufAllocator.DEFAULT, HttpResponseStatus.BAD_REQUEST);
        answers.refuseAfter(1, new OwedAnswers.Refusal(response, "refused"));

        answers.releaseRefusal();

        assertThat(response.refCnt()).isZero();
        assertThat(answers.refusalWaiting()).isFalse();
    }
}
