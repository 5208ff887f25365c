package io.outpost.core.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * Replaces files so that a crash or power cut leaves either the old or the new content, never a mix: write a
 * temporary file beside the target, force it to disk, rename it over the target, force the directory. Blocking.
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /**
     * Writes {@code content} to {@code file} atomically.
     *
     * @param ownerOnly create the file readable and writable by its owner only (POSIX file systems)
     */
    public static void write(Path file, byte[] content, boolean ownerOnly) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                attributes(ownerOnly))) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory(dir);
    }

    /**
     * Replaces {@code file} atomically and keeps who may read it: an existing file's owner, group and mode go to
     * the new one (set on the temporary file before it takes the name, so the content is never more open than
     * intended); a new file gets {@code newMode} and the group of its directory (for {@code /etc/outpost}, owned
     * by the service's group). Fails, leaving the old file, when the owner cannot be kept (run as root or as the
     * owner). Falls back to {@link #write(Path, byte[], boolean)} on file systems without POSIX attributes.
     */
    public static void replaceKeepingAccess(Path file, byte[] content, Set<PosixFilePermission> newMode)
            throws IOException {
        if (!java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            write(file, content, true);
            return;
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        UserPrincipal owner;
        GroupPrincipal group;
        Set<PosixFilePermission> mode;
        if (Files.exists(file)) {
            PosixFileAttributes was = Files.readAttributes(file, PosixFileAttributes.class);
            owner = was.owner();
            group = was.group();
            mode = was.permissions();
        } else {
            owner = null;
            group = Files.readAttributes(dir, PosixFileAttributes.class).group();
            mode = newMode;
        }
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
        try {
            try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(ownerOnly))) {
                PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
                if (owner != null && !owner.equals(Files.getOwner(tmp))) {
                    view.setOwner(owner);
                }
                if (!group.equals(view.readAttributes().group())) {
                    view.setGroup(group);
                }
                // Explicitly: the umask may have taken bits from the mode asked for at creation.
                Files.setPosixFilePermissions(tmp, mode);
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("cannot keep the owner " + (owner == null ? "" : owner.getName()) + ":"
                    + group.getName() + " and mode " + PosixFilePermissions.toString(mode) + " of " + file
                    + " (run as root or as its owner); the file is unchanged: " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory(dir);
    }

    private static FileAttribute<?>[] attributes(boolean ownerOnly) {
        if (!ownerOnly || !java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory for syncing; the rename is then as durable as they make it.
        }
    }
}
