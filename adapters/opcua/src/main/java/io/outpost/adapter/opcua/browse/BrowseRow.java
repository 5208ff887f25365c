package io.outpost.adapter.opcua.browse;

import java.util.Objects;

/**
 * One node of a server's address space as the browser lists it.
 *
 * @param nodeId      the node id in standard notation ({@code ns=2;s=Boiler/Temperature})
 * @param path        the browse path from the start node ({@code /Boiler/Temperature}), for people
 * @param nodeClass   {@code Object}, {@code Variable}, {@code Method}, ...
 * @param dataType    a variable's data type name ({@code Double}, or the server's own type's browse name); empty
 *                    for other node classes
 * @param access      a variable's access for the browsing user: {@code read}, {@code write}, {@code read/write} or
 *                    {@code none}; empty for other node classes
 * @param depth       1 for the start node's children
 */
public record BrowseRow(String nodeId, String path, String browseName, String displayName, String nodeClass,
                        String dataType, String access, int depth) {

    public BrowseRow {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(path, "path");
        dataType = dataType == null ? "" : dataType;
        access = access == null ? "" : access;
    }

    public boolean isVariable() {
        return nodeClass.equals("Variable");
    }

    public boolean writable() {
        return access.contains("write");
    }
}
