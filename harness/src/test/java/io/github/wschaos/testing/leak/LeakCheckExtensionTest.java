package io.github.wschaos.testing.leak;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** Runs small fixture classes through the Jupiter engine to prove that a leaked buffer fails its class. */
class LeakCheckExtensionTest {

    private static final String FIXTURES = "wschaos.leakFixtures";

    @Test
    void aClassThatLeaksABufferFailsWithTheLeakReport() {
        Events classes = run(LeakingFixture.class);

        classes.assertThatEvents().haveExactly(1, event(container(LeakingFixture.class),
                finishedWithFailure(instanceOf(AssertionError.class),
                        message(text -> text.startsWith("1 Netty leak report(s) while " + LeakingFixture.class.getName() + " ran")
                                && text.contains("LEAK: ByteBuf.release() was not called")
                                && text.contains("LeakingFixture.dropsABuffer")))));
    }

    @Test
    void aClassThatReleasesItsBuffersPasses() {
        Events classes = run(TidyFixture.class);

        classes.assertThatEvents().haveExactly(1, event(container(TidyFixture.class), finishedSuccessfully()));
    }

    private static Events run(Class<?> fixture) {
        System.setProperty(FIXTURES, "true");
        try {
            return EngineTestKit.engine("junit-jupiter")
                    .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                    .selectors(selectClass(fixture))
                    .execute()
                    .containerEvents();
        } finally {
            System.clearProperty(FIXTURES);
        }
    }

    /** Drops a buffer without releasing it; run only through the test kit. */
    @EnabledIfSystemProperty(named = FIXTURES, matches = "true")
    static class LeakingFixture {
        @Test
        void dropsABuffer() {
            ByteBuf buffer = ByteBufAllocator.DEFAULT.buffer(16);
            buffer.writeInt(42);
            buffer.touch(LeakReports.DELIBERATE);
        }
    }

    /** Releases what it allocates; run only through the test kit. */
    @EnabledIfSystemProperty(named = FIXTURES, matches = "true")
    static class TidyFixture {
        @Test
        void releasesABuffer() {
            ByteBuf buffer = ByteBufAllocator.DEFAULT.buffer(16);
            buffer.writeInt(42);
            buffer.release();
        }
    }
}
