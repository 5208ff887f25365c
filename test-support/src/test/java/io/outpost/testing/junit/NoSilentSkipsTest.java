package io.outpost.testing.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** The CI check on skipped tests, run on fixture classes through the JUnit Platform as surefire runs tests. */
class NoSilentSkipsTest {

    /** Skips on an assumption, as a test whose peer is missing does. */
    static class SkippingFixture {
        @Test
        void needs_a_peer() {
            Assumptions.assumeTrue(false, "the peer is not installed");
        }
    }

    /** Skips in its set-up. */
    static class SkippingInSetUpFixture {
        @BeforeEach
        void startPeer() {
            Assumptions.assumeTrue(false, "the peer is not installed");
        }

        @Test
        void needs_a_peer() {
        }
    }

    /** On the test allow-list. */
    static class AllowedFixture {
        @Test
        void needs_a_privilege() {
            Assumptions.assumeTrue(false, "no privilege here");
        }
    }

    private static TestExecutionSummary run(Class<?> fixture, boolean ci) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(fixture))
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .configurationParameter("outpost.ci", Boolean.toString(ci))
                .configurationParameter("outpost.allowedSkips", "io/outpost/testing/junit/test-allowed-skips.txt")
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        return listener.getSummary();
    }

    @Test
    void in_ci_a_test_skipped_by_an_assumption_fails_and_says_what_to_do() {
        TestExecutionSummary s = run(SkippingFixture.class, true);
        assertThat(s.getTestsFailedCount()).isEqualTo(1);
        assertThat(s.getTestsAbortedCount()).isZero();
        assertThat(s.getFailures().get(0).getException()).hasMessageContaining("skipped in CI: Assumption failed: the peer is not installed")
                .hasMessageContaining("scripts/test.sh").hasMessageContaining("allowed-skips.txt");
    }

    @Test
    void in_ci_a_skip_in_the_set_up_fails_too() {
        TestExecutionSummary s = run(SkippingInSetUpFixture.class, true);
        assertThat(s.getTestsFailedCount()).isEqualTo(1);
    }

    @Test
    void in_ci_a_test_on_the_allow_list_may_skip() {
        TestExecutionSummary s = run(AllowedFixture.class, true);
        assertThat(s.getTestsFailedCount()).isZero();
        assertThat(s.getTestsAbortedCount()).isEqualTo(1);
    }

    @Test
    void outside_ci_a_skip_stays_a_skip() {
        TestExecutionSummary s = run(SkippingFixture.class, false);
        assertThat(s.getTestsFailedCount()).isZero();
        assertThat(s.getTestsAbortedCount()).isEqualTo(1);
    }

    @Test
    void every_entry_of_the_projects_allow_list_says_why() throws IOException {
        List<String> lines;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(NoSilentSkips.ALLOW_LIST)) {
            assertThat(in).as("the allow-list on the class path").isNotNull();
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#") || Character.isWhitespace(line.charAt(0))) {
                continue;
            }
            assertThat(line).as("entry").matches("io\\.outpost\\.[\\w.$]+(#\\w+)?");
            assertThat(i + 1 < lines.size() && lines.get(i + 1).startsWith("    ") && !lines.get(i + 1).isBlank())
                    .as("a reason (indented) after %s", line).isTrue();
        }
    }
}
