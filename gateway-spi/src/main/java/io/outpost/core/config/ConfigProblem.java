package io.outpost.core.config;

/**
 * One mistake in a configuration file: where it is, which key (as a YAML path such as
 * {@code devices[0].points[2].address}) and a sentence saying what is wrong and what is allowed.
 */
public record ConfigProblem(SourceMark mark, String path, String message) implements Comparable<ConfigProblem> {

    @Override
    public int compareTo(ConfigProblem other) {
        int byLine = Integer.compare(mark.line(), other.mark.line());
        return byLine != 0 ? byLine : Integer.compare(mark.column(), other.mark.column());
    }

    @Override
    public String toString() {
        return mark + ": " + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
