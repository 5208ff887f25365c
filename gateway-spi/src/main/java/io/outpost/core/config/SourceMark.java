package io.outpost.core.config;

/** A place in a configuration file, 1-based as editors show it. */
public record SourceMark(String file, int line, int column) {

    public static final SourceMark UNKNOWN = new SourceMark("<unknown>", 0, 0);

    /** A place known only by its file: a valid file is read without line marks (see ConfigLoader.parse). */
    public static SourceMark inFile(String file) {
        return new SourceMark(file, 0, 0);
    }

    @Override
    public String toString() {
        return line == 0 ? file : file + ":" + line + ":" + column;
    }
}
