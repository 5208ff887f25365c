package io.outpost.app;

import io.outpost.core.config.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Command-line durations written as in the config: {@code 500ms}, {@code 2s}, {@code 5m}. */
final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        return Durations.parse(value).orElseThrow(() ->
                new TypeConversionException("expected a duration such as 500ms, 2s or 5m, found '" + value + "'"));
    }
}
