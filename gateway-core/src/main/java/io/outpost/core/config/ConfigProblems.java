package io.outpost.core.config;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem found while loading one file, so that all of them are reported together. */
public final class ConfigProblems {

    private final List<ConfigProblem> problems = new ArrayList<>();

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
