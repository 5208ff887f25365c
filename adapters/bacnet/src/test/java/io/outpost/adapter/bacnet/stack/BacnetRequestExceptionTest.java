package io.outpost.adapter.bacnet.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.serotonin.bacnet4j.apdu.Abort;
import com.serotonin.bacnet4j.apdu.Reject;
import com.serotonin.bacnet4j.exception.AbortAPDUException;
import com.serotonin.bacnet4j.exception.BACnetException;
import com.serotonin.bacnet4j.exception.BACnetTimeoutException;
import com.serotonin.bacnet4j.exception.RejectAPDUException;
import com.serotonin.bacnet4j.exception.ServiceTooBigException;
import com.serotonin.bacnet4j.type.enumerated.AbortReason;
import com.serotonin.bacnet4j.type.enumerated.ErrorClass;
import com.serotonin.bacnet4j.type.enumerated.ErrorCode;
import com.serotonin.bacnet4j.type.enumerated.RejectReason;
import com.serotonin.bacnet4j.type.error.ErrorClassAndCode;
import org.junit.jupiter.api.Test;

class BacnetRequestExceptionTest {

    @Test
    void timeouts_rejects_aborts_and_errors_become_quality_reasons() {
        assertThat(BacnetRequestException.of(new BACnetTimeoutException(), "read").reason()).isEqualTo("timeout");
        assertThat(BacnetRequestException.of(new RejectAPDUException(new Reject((byte) 1, RejectReason.unrecognizedService)), "read"))
                .satisfies(e -> {
                    assertThat(e.reason()).isEqualTo("reject:unrecognized-service");
                    assertThat(e.serviceUnsupported()).isTrue();
                    assertThat(e.deviceAnswered()).isTrue();
                });
        assertThat(BacnetRequestException.of(new AbortAPDUException(new Abort(true, (byte) 1, AbortReason.bufferOverflow)), "read"))
                .satisfies(e -> {
                    assertThat(e.reason()).isEqualTo("abort:buffer-overflow");
                    assertThat(e.tooLarge()).isTrue();
                });
        assertThat(BacnetRequestException.error(new ErrorClassAndCode(ErrorClass.object, ErrorCode.unknownObject), "read", null).reason())
                .isEqualTo("error:unknown-object");
        assertThat(BacnetRequestException.of(new ServiceTooBigException("too big"), "read").tooLarge()).isTrue();
    }

    @Test
    void a_failure_to_send_is_a_lost_connection_and_not_an_answer() {
        BacnetRequestException e = BacnetRequestException.of(new BACnetException("socket closed"), "read");

        assertThat(e.reason()).isEqualTo("comm-lost");
        assertThat(e.deviceAnswered()).isFalse();
        assertThat(BacnetRequestException.of(new BACnetException(new BACnetTimeoutException()), "read").reason())
                .isEqualTo("timeout");
    }
}
