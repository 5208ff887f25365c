package io.outpost.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Collects every problem found while loading one file, so that all of them are reported together; also records
 * every key the readers asked for, as YAML paths with list indexes dropped ({@code devices[].points[].address}),
 * from which the configuration reference is checked.
 */
public final class ConfigProblems {

    private final List<ConfigProblem> problems = new ArrayList<>();
    private final SortedSet<String> knownKeys = new TreeSet<>();

    /** Records that a reader knows the key at {@code path}. */
    void known(String path) {
        knownKeys.add(withoutIndexes(path));
    }

    /**
     * {@code devices[12].points[3].id} as {@code devices[].points[].id}. Called for every key read, so without a
     * regex: a 100,000-point file asks for about a million keys.
     */
    static String withoutIndexes(String path) {
        int open = path.indexOf('[');
        if (open < 0) {
            return path;
        }
        StringBuilder out = new StringBuilder(path.length());
        int from = 0;
        while (open >= 0) {
            int end = open + 1;
            while (end < path.length() && Character.isDigit(path.charAt(end))) {
                end++;
            }
            if (end > open + 1 && end < path.length() && path.charAt(end) == ']') {
                out.append(path, from, open + 1);
                from = end;
            }
            open = path.indexOf('[', end);
        }
        return out.append(path, from, path.length()).toString();
    }

    /** Every key path the readers know, e.g. {@code devices[].poll-interval}. */
    public SortedSet<String> knownKeys() {
        return new TreeSet<>(knownKeys);
    }

    public void add(SourceMark mark, String path, String message) {
        problems.add(new ConfigProblem(mark, path, message));
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    public int size() {
        return problems.size();
    }

    /** The problems in file order. */
    public List<ConfigProblem> sorted() {
        List<ConfigProblem> copy = new ArrayList<>(problems);
        copy.sort(null);
        return List.copyOf(copy);
    }

    /** Throws when anything was reported. */
    public void throwIfAny() throws ConfigException {
        if (!problems.isEmpty()) {
            throw new ConfigException(sorted());
        }
    }
}
