package io.outpost.core.runtime;

import java.util.List;

/**
 * What a reload changed. Devices whose configuration is equal are not touched, so their polls, values and
 * connections carry on. {@code restartRequired} lists changes a running gateway cannot apply (its identity).
 */
public record ReloadReport(List<String> added, List<String> removed, List<String> restarted, List<String> unchanged,
                           List<String> restartRequired) {

    public ReloadReport {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        restarted = List.copyOf(restarted);
        unchanged = List.copyOf(unchanged);
        restartRequired = List.copyOf(restartRequired);
    }

    public boolean changedAnything() {
        return !added.isEmpty() || !removed.isEmpty() || !restarted.isEmpty();
    }

    @Override
    public String toString() {
        return "added " + added + ", removed " + removed + ", restarted " + restarted + ", unchanged "
                + unchanged.size() + (restartRequired.isEmpty() ? "" : ", needs a restart: " + restartRequired);
    }
}
