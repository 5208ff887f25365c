package io.outpost.adapter.bacnet.stack;

/** Says why bacnet4j could not decode received bytes, for a reason's message or a log line. */
final class DecodeFailures {

    private DecodeFailures() {
    }

    /** What {@code e}, thrown while bacnet4j decoded, tells about the bytes (bacnet4j wraps what it throws). */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BoundedByteQueue.DecodeNotEnding || t instanceof BoundedByteQueue.ReadBeyondTheData) {
                return t.getMessage();
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof OutOfMemoryError) {
            // A single allocation for a length read out of step, refused at once: the JVM is fine.
            return "bacnet4j read a length larger than the memory it may use";
        }
        return "bacnet4j cannot decode it (" + root + ")";
    }
}
