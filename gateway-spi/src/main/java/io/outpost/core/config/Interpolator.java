package io.outpost.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Replaces {@code ${env:NAME}} and {@code ${file:/path}} in configuration strings, so that passwords and keys stay
 * out of the YAML file. {@code $${} writes a literal {@code ${}. Error messages name the variable or file but never
 * a value.
 */
public final class Interpolator {

    private final Function<String, String> environment;

    public Interpolator(Function<String, String> environment) {
        this.environment = environment;
    }

    public static Interpolator system() {
        return new Interpolator(System::getenv);
    }

    /** Thrown with a sentence fit for a {@link ConfigProblem}. */
    public static final class InterpolationException extends Exception {
        InterpolationException(String message) {
            super(message);
        }
    }

    public String resolve(String text) throws InterpolationException {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (c == '$' && text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    throw new InterpolationException("'${' is not closed by '}'; write '$${' for a literal '${'");
                }
                out.append(lookup(text.substring(i + 2, end)));
                i = end + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private String lookup(String reference) throws InterpolationException {
        int colon = reference.indexOf(':');
        String kind = colon < 0 ? "" : reference.substring(0, colon);
        String name = colon < 0 ? reference : reference.substring(colon + 1);
        switch (kind) {
            case "env":
                return Optional.ofNullable(environment.apply(name))
                        .orElseThrow(() -> new InterpolationException("environment variable " + name + " is not set"));
            case "file":
                return readFile(Path.of(name));
            default:
                throw new InterpolationException("'${" + reference + "}' is not a known reference; use ${env:NAME} or ${file:/path}");
        }
    }

    private static String readFile(Path path) throws InterpolationException {
        try {
            String content = Files.readString(path, StandardCharsets.UTF_8);
            // Files written with echo or an editor end in a newline that is not part of the secret.
            return content.endsWith("\r\n") ? content.substring(0, content.length() - 2)
                    : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
        } catch (NoSuchFileException e) {
            throw new InterpolationException("secret file " + path + " does not exist");
        } catch (IOException e) {
            throw new InterpolationException("cannot read secret file " + path + ": " + e.getClass().getSimpleName());
        }
    }
}
