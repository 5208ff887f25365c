package io.outpost.core.config;

import java.util.Objects;

/** For a writable point: the topic commands arrive on and the topic results go to (when the command names no response topic). */
public record CommandRoute(String commandTopic, String resultTopic) {

    public CommandRoute {
        Objects.requireNonNull(commandTopic, "commandTopic");
        Objects.requireNonNull(resultTopic, "resultTopic");
    }
}
