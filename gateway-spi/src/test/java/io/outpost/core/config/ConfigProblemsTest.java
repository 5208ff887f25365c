package io.outpost.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigProblemsTest {

    @Test
    void knownKeysDropListIndexesOnly() {
        ConfigProblems p = new ConfigProblems();
        p.known("devices[12].points[3].id");
        p.known("devices[0].points[99999].id");
        p.known("gateway.id");
        p.known("odd[x].key[]");
        p.known("tail[7");

        assertThat(p.knownKeys()).containsExactly("devices[].points[].id", "gateway.id", "odd[x].key[]", "tail[7");
    }
}
