package io.github.wschaos.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestEngine;

/** Proves which JUnit the suite runs on: the build runs it once on JUnit 5 and once on JUnit 6. */
class JUnitVersionTest {

    @Test
    void runsOnTheJUnitTheBuildAskedFor() {
        String expected = System.getProperty("wschaos.expected.junit");
        assumeTrue(expected != null, "run outside Maven: no expected version");
        assertThat(ExtensionContext.class.getPackage().getImplementationVersion()).as("junit-jupiter-api").isEqualTo(expected);
        String platform = TestEngine.class.getPackage().getImplementationVersion();
        assertThat(platform).as("junit-platform-engine")
                .isEqualTo(expected.startsWith("5.") ? "1." + expected.substring(2) : expected);
    }
}
