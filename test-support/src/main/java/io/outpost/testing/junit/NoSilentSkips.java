package io.outpost.testing.junit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * No silent skips in CI: when the environment variable {@code CI} is {@code true} (as CI services set it), a test
 * that an assumption would skip (a peer such as mosquitto or node is missing, so the test never ran) fails instead,
 * unless it is on the commented allow-list {@code io/outpost/testing/junit/allowed-skips.txt} (in test-support)
 * with the reason it may skip there. Outside CI a skip stays a skip with its message, as before.
 *
 * <p>Registered for every test class of the modules that use test-support through {@code ServiceLoader}
 * ({@code META-INF/services}); the parent POM turns JUnit's extension auto-detection on for surefire and
 * failsafe. The configuration parameters {@code outpost.ci} ({@code true}/{@code false}, instead of {@code CI})
 * and {@code outpost.allowedSkips} (another allow-list resource) exist for this extension's own test.
 */
public final class NoSilentSkips implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

    static final String ALLOW_LIST = "io/outpost/testing/junit/allowed-skips.txt";

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw checked(context, throwable);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw checked(context, throwable);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw checked(context, throwable);
    }

    /** The throwable to let through: a skip becomes a failure in CI unless the test is allowed to skip. */
    private static Throwable checked(ExtensionContext context, Throwable throwable) {
        if (!(throwable instanceof TestAbortedException) || !inCi(context)) {
            return throwable;
        }
        String className = context.getRequiredTestClass().getName();
        String method = context.getTestMethod().map(m -> m.getName()).orElse(null);
        Set<String> allowed = allowList(context);
        if (allowed.contains(className) || method != null && allowed.contains(className + "#" + method)) {
            return throwable;
        }
        AssertionError e = new AssertionError("skipped in CI: " + throwable.getMessage() + ". A test that needs a peer must "
                + "run in CI: install it in scripts/test.sh, or list " + className + (method == null ? "" : "#" + method)
                + " with the reason in test-support/src/main/resources/" + ALLOW_LIST, throwable);
        return e;
    }

    private static boolean inCi(ExtensionContext context) {
        String value = context.getConfigurationParameter("outpost.ci").orElse(System.getenv("CI"));
        return value != null && value.trim().toLowerCase(Locale.ROOT).equals("true");
    }

    /** Entries of the allow-list: lines that start with a class name (comments, blank and indented lines are not). */
    static Set<String> allowList(ExtensionContext context) {
        String resource = context.getConfigurationParameter("outpost.allowedSkips").orElse(ALLOW_LIST);
        Set<String> entries = new HashSet<>();
        try (InputStream in = NoSilentSkips.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the allow-list " + resource + " is not on the class path");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank() && !line.startsWith("#") && !Character.isWhitespace(line.charAt(0))) {
                    entries.add(line.strip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }
}
