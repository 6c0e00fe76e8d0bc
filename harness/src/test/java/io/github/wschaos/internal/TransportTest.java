package io.github.wschaos.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Test;

/** The transport the proxy runs on: the best available by default, the one {@code -Dwschaos.transport} names. */
class TransportTest {

    @Test
    void defaultIsTheFirstAvailableOfIoUringEpollAndNio() {
        Transport expected = IoUring.isAvailable() ? Transport.IO_URING : Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO;
        assertThat(Transport.select(null)).isEqualTo(expected);
        assertThat(Transport.select(" ")).isEqualTo(expected);
    }

    @Test
    void propertyForcesATransportByName() {
        assertThat(Transport.select("nio")).isEqualTo(Transport.NIO);
        assertThat(Transport.select("NIO")).isEqualTo(Transport.NIO);
        if (Epoll.isAvailable()) {
            assertThat(Transport.select("epoll")).isEqualTo(Transport.EPOLL);
        } else {
            assertThatThrownBy(() -> Transport.select("epoll")).hasMessageContaining("not available here");
        }
    }

    @Test
    void anUnknownNameIsRejectedNamingTheValueAndWhatIsAccepted() {
        assertThatThrownBy(() -> Transport.select("kqueue"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dwschaos.transport=kqueue is not a transport; accepted are io_uring, epoll, nio, "
                        + "or no value for the best available");
    }
}
