package io.outpost.app.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandReplayGuardTest {

    private static final Duration MAX_AGE = Duration.ofMinutes(5);
    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

    @TempDir
    Path dir;

    private CommandReplayGuard guard(Instant now) {
        return new CommandReplayGuard(dir.resolve("fleet/commands-seen"), Clock.fixed(now, ZoneOffset.UTC), 20);
    }

    private static String code(Throwable t) {
        return ((SignedEnvelope.EnvelopeException) t).code();
    }

    @Test
    void a_command_is_taken_once_and_its_replay_is_refused_also_after_a_restart() throws Exception {
        long signed = NOW.toEpochMilli() - 1000;
        guard(NOW).admit(signed, "aa", MAX_AGE);

        assertThatThrownBy(() -> guard(NOW.plusSeconds(10)).admit(signed, "aa", MAX_AGE))
                .satisfies(t -> assertThat(code(t)).isEqualTo("replay"));
        guard(NOW).admit(signed, "bb", MAX_AGE);
        guard(NOW).admit(signed + 1, "aa", MAX_AGE);
    }

    @Test
    void a_command_signed_outside_max_age_either_way_is_refused_as_expired() {
        CommandReplayGuard g = guard(NOW);

        assertThatThrownBy(() -> g.admit(NOW.minus(MAX_AGE).toEpochMilli() - 1, "aa", MAX_AGE))
                .satisfies(t -> assertThat(code(t)).isEqualTo("expired"));
        assertThatThrownBy(() -> g.admit(NOW.plus(MAX_AGE).toEpochMilli() + 1, "aa", MAX_AGE))
                .satisfies(t -> assertThat(code(t)).isEqualTo("expired"));
    }

    @Test
    void commands_older_than_max_age_are_forgotten_and_the_remembered_set_is_bounded() throws Exception {
        CommandReplayGuard g = guard(NOW);
        for (int i = 0; i < 20; i++) {
            g.admit(NOW.toEpochMilli() - MAX_AGE.toMillis() + i, "h" + i, MAX_AGE);
        }
        assertThatThrownBy(() -> g.admit(NOW.toEpochMilli(), "next", MAX_AGE))
                .satisfies(t -> assertThat(code(t)).isEqualTo("busy"));

        CommandReplayGuard later = guard(NOW.plusMillis(20));
        later.admit(NOW.toEpochMilli(), "next", MAX_AGE);
    }
}
