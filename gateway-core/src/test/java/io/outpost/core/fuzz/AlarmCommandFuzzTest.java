package io.outpost.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.outpost.core.command.CommandRejectedException;
import io.outpost.core.logic.alarm.AlarmCommand;

/**
 * Any bytes on an alarm command topic: refused with a reason, or a command that keeps its promises (an action; an
 * alarm named for shelve and unshelve; a positive shelve duration; a bounded comment). Nothing else may escape.
 * Kept inputs: src/test/resources/io/outpost/core/fuzz/AlarmCommandFuzzTestInputs/.
 */
class AlarmCommandFuzzTest {

    @FuzzTest
    void anyPayload_isRefusedWithAReason_orIsACompleteCommand(byte[] payload) {
        AlarmCommand c;
        try {
            c = AlarmCommand.parse(payload);
        } catch (CommandRejectedException refused) {
            assertThat(refused.reason()).isEqualTo("bad-payload");
            return;
        }
        assertThat(c.action()).isNotNull();
        assertThat(c.comment().length()).isLessThanOrEqualTo(256);
        if (c.action() != AlarmCommand.Action.ACKNOWLEDGE) {
            assertThat(c.alarm()).isNotEmpty();
        }
        if (c.action() == AlarmCommand.Action.SHELVE) {
            assertThat(c.shelveFor()).isPositive();
        }
    }
}
