package io.outpost.app.fleet;

import java.util.regex.Pattern;

/** Shell-style gateway id patterns: {@code *} any run of characters, {@code ?} one character. */
final class Glob {

    private Glob() {
    }

    static boolean matches(String glob, String id) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return id.matches(re.toString());
    }
}
