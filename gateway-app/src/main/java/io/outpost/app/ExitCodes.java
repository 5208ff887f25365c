package io.outpost.app;

/** Exit statuses of the {@code outpost} command, as documented in the README. */
public final class ExitCodes {

    /** Done; for {@code run}, a clean shutdown. */
    public static final int OK = 0;
    /** The gateway failed at run time (a port in use, an unreadable data directory). */
    public static final int FAILURE = 1;
    /** The configuration or the command line is invalid; nothing was started. */
    public static final int INVALID = 2;

    private ExitCodes() {
    }
}
