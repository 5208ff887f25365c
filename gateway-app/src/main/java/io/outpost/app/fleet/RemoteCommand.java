package io.outpost.app.fleet;

/**
 * One remote command (docs/fleet.md, "Remote commands"). Implementations are stateless apart from what they are
 * given at construction.
 */
interface RemoteCommand {

    /** The request's {@code command}. */
    String name();

    /** Whether it changes something and is therefore only accepted signed ({@code outpost-command} envelope). */
    boolean signed();

    /**
     * Does the command on the command thread; may block, each command bounds its own time (device timeouts, its
     * limits). Returns the response's fields (after {@code id} and {@code ok}); the caller bounds the size.
     *
     * @throws CommandFailure with the response's error code
     */
    FleetJson.Body run(CommandRequest request) throws CommandFailure, InterruptedException;
}
