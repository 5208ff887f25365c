package io.outpost.core.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Suggests the known key a misspelled one was probably meant to be. */
public final class DidYouMean {

    private DidYouMean() {
    }

    public static Optional<String> suggest(String typed, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String lower = typed.toLowerCase(Locale.ROOT);
        for (String candidate : known) {
            String c = candidate.toLowerCase(Locale.ROOT);
            // "boolean" for "bool", "addr" for "address": a shared prefix counts as one edit.
            boolean prefix = Math.min(c.length(), lower.length()) >= 3 && (c.startsWith(lower) || lower.startsWith(c));
            int d = prefix ? 1 : distance(lower, c);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        // Allow roughly one edit per three characters: "adress" -> "address", but not "id" -> "qos".
        int allowed = Math.max(1, Math.min(typed.length(), best == null ? 0 : best.length()) / 3);
        return best != null && bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[a.length()][b.length()];
    }
}
