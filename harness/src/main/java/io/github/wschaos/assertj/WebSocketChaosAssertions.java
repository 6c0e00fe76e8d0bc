package io.github.wschaos.assertj;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.record.ConnectionRecord;
import org.assertj.core.api.Assertions;

/**
 * The one entry point: {@code import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;}
 * reaches the wschaos assertions and, since this class extends AssertJ's {@link Assertions}, every AssertJ
 * assertion too.
 */
public class WebSocketChaosAssertions extends Assertions {

    /** Assertions on what {@code proxy} recorded. */
    public static ChaosProxyAssert assertThat(ChaosProxy proxy) {
        return new ChaosProxyAssert(proxy, null);
    }

    /** Assertions on one recorded attempt. */
    public static ConnectionAssert assertThat(ConnectionRecord record) {
        return ConnectionAssert.assertThat(record);
    }
}
