package io.outpost.adapter.bacnet.stack;

/** Says why bacnet4j could not decode received bytes, for a reason's message or a log line. */
final class DecodeFailures {

    private DecodeFailures() {
    }

    /** What {@code e}, thrown while bacnet4j decoded, tells about the bytes (bacnet4j wraps what it throws). */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BoundedByteQueue.DecodeNotEnding) {
                return t.getMessage();
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return "bacnet4j cannot decode it (" + root + ")";
    }
}
