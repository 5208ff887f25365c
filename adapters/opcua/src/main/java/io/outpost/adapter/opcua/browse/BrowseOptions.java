package io.outpost.adapter.opcua.browse;

/**
 * What to list: the subtree under {@code startNode} (default the Objects folder) down to {@code maxDepth} levels and
 * at most {@code maxNodes} nodes. The standard {@code Server} object (diagnostics, thousands of nodes) is skipped
 * unless {@code includeServerObject}.
 */
public record BrowseOptions(String startNode, int maxDepth, int maxNodes, boolean includeServerObject) {

    public static final BrowseOptions DEFAULT = new BrowseOptions("i=85", 10, 10_000, false);

    public BrowseOptions {
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maxDepth must be at least 1, found " + maxDepth);
        }
        if (maxNodes < 1) {
            throw new IllegalArgumentException("maxNodes must be at least 1, found " + maxNodes);
        }
    }

    public BrowseOptions withStart(String node) {
        return new BrowseOptions(node, maxDepth, maxNodes, includeServerObject);
    }

    public BrowseOptions withMaxDepth(int depth) {
        return new BrowseOptions(startNode, depth, maxNodes, includeServerObject);
    }
}
