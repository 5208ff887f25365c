package io.outpost.app.fleet;

/** A remote command that could not be done; {@link #code()} is the response's {@code error}. */
final class CommandFailure extends Exception {

    private final String code;

    CommandFailure(String code, String message) {
        super(message);
        this.code = code;
    }

    String code() {
        return code;
    }
}
