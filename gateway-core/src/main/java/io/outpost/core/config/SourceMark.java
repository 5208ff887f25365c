package io.outpost.core.config;

/** A place in a configuration file, 1-based as editors show it. */
public record SourceMark(String file, int line, int column) {

    public static final SourceMark UNKNOWN = new SourceMark("<unknown>", 0, 0);

    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
