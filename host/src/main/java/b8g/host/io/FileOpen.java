package b8g.host.io;

import b8g.capabilities.CapabilityException;
import b8g.capabilities.Right;
import b8g.errors.B8gException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * Opening a file below a granted directory, at run time, with the checks a path from untrusted
 * code needs: relative, no {@code ..}, no NUL, at most {@link #MAX_PATH} characters; every
 * directory on the way resolved (symbolic links followed) must stay inside the granted directory;
 * the file itself is opened without following a symbolic link ({@code O_NOFOLLOW}), so a link put
 * there after the manifest loaded (by anyone) is refused, not followed. The rights of the
 * directory capability bound what may be asked: read needs READ, write and truncate WRITE, append
 * APPEND or WRITE, create and createNew CREATE.
 *
 * <p>What is left: a directory on the way swapped for a link between the check and the open (by
 * someone outside the components, which cannot make links) is not detected; openat2 with
 * RESOLVE_BENEATH would close that, and the JDK does not offer it.
 */
public final class FileOpen {
  /** The longest path accepted, in characters. */
  public static final int MAX_PATH = 4096;

  // The flags of an open, as the component layer passes them (HostServices.OPEN_*).
  public static final int READ = 1;
  public static final int WRITE = 2;
  public static final int APPEND = 4;
  public static final int CREATE = 8;
  public static final int TRUNCATE = 16;
  public static final int CREATE_NEW = 32;

  private FileOpen() {}

  /** What an open gives: a channel to read (or null) and one to write (or null), on one file. */
  public record Opened(Path file, FileChannel reading, FileChannel writing) implements AutoCloseable {
    @Override
    public void close() {
      for (FileChannel c : new FileChannel[] {reading, writing}) {
        if (c != null) {
          try {
            c.close();
          } catch (IOException e) {
            // Closing after a failure: the failure is what is reported.
          }
        }
      }
    }
  }

  /**
   * The file {@code requested} names below {@code directory} (a real path), checked as the class
   * comment says; the file itself need not exist.
   *
   * @throws CapabilityException {@code capability.path}
   */
  public static Path confine(Path directory, String requested) {
    if (requested.isEmpty() || requested.length() > MAX_PATH || requested.indexOf('\0') >= 0) {
      throw new CapabilityException("capability.path", "\"" + shown(requested) + "\" is not a path a directory opens"
          + " (empty, a NUL character, or longer than " + MAX_PATH + " characters)");
    }
    Path rel;
    try {
      rel = Path.of(requested);
    } catch (InvalidPathException e) {
      throw new CapabilityException("capability.path", "\"" + shown(requested) + "\" is not a valid path");
    }
    if (rel.isAbsolute()) {
      throw new CapabilityException("capability.path", "\"" + shown(requested) + "\" is absolute; give a path relative to the directory");
    }
    for (Path part : rel) {
      if (part.toString().equals("..")) {
        throw new CapabilityException("capability.path", "\"" + shown(requested) + "\" climbs out with '..'; paths stay below the directory");
      }
    }
    Path file = directory.resolve(rel).normalize();
    if (!file.startsWith(directory) || file.equals(directory)) {
      throw new CapabilityException("capability.path", "\"" + shown(requested) + "\" names no file below the directory");
    }
    Path parent;
    try {
      parent = file.getParent().toRealPath();
    } catch (IOException e) {
      throw new CapabilityException("capability.path", "\"" + shown(requested) + "\": its directory does not exist");
    }
    if (!parent.startsWith(directory)) {
      throw new CapabilityException("capability.path", "\"" + shown(requested) + "\" leads outside the directory through a symbolic link");
    }
    return parent.resolve(file.getFileName());
  }

  /**
   * Opens {@code requested} below {@code directory} with {@code flags}, within {@code rights}.
   *
   * @throws CapabilityException {@code capability.path}, {@code capability.rights}
   * @throws B8gException {@code file.not_found}, {@code file.exists}, {@code file.link} (the file is
   *     a symbolic link), {@code file.not_regular}, {@code file.io}
   */
  public static Opened open(Path directory, Set<Right> rights, String requested, int flags) {
    need(rights, Right.READ, (flags & READ) != 0, "read", requested);
    need(rights, Right.WRITE, (flags & (WRITE | TRUNCATE)) != 0, "write", requested);
    if ((flags & APPEND) != 0 && !rights.contains(Right.APPEND) && !rights.contains(Right.WRITE)) {
      throw new CapabilityException("capability.rights", "cannot append to \"" + shown(requested)
          + "\": the directory is granted without APPEND or WRITE");
    }
    need(rights, Right.CREATE, (flags & (CREATE | CREATE_NEW)) != 0, "create", requested);
    Path file = confine(directory, requested);
    FileChannel writing = null;
    FileChannel reading = null;
    try {
      // Before opening: opening a FIFO with no writer, or a device, can block for ever.
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        requireRegular(file, "\"" + shown(requested) + "\"");
      }
      if ((flags & (WRITE | APPEND)) != 0) {
        Set<OpenOption> o = new HashSet<>(Set.of(StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
        if ((flags & APPEND) != 0) {
          o.add(StandardOpenOption.APPEND);
        }
        if ((flags & TRUNCATE) != 0) {
          o.add(StandardOpenOption.TRUNCATE_EXISTING);
        }
        if ((flags & CREATE_NEW) != 0) {
          o.add(StandardOpenOption.CREATE_NEW);
        } else if ((flags & CREATE) != 0) {
          o.add(StandardOpenOption.CREATE);
        }
        writing = FileChannel.open(file, o);
      }
      if ((flags & READ) != 0) {
        reading = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
      }
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new B8gException(B8gException.Category.CAPABILITY, "file.not_regular", "\"" + shown(requested) + "\" is not a regular file");
      }
      Opened opened = new Opened(file, reading, writing);
      reading = null;
      writing = null;
      return opened;
    } catch (NoSuchFileException e) {
      throw new B8gException(B8gException.Category.CAPABILITY, "file.not_found", "\"" + shown(requested)
          + "\" does not exist" + ((flags & (WRITE | APPEND)) != 0 ? "; open it with create: true to make it" : ""));
    } catch (FileAlreadyExistsException e) {
      throw new B8gException(B8gException.Category.CAPABILITY, "file.exists", "\"" + shown(requested) + "\" exists already (createNew)");
    } catch (IOException e) {
      // O_NOFOLLOW on a link fails with ELOOP, which the JDK reports as a plain IOException.
      if (Files.isSymbolicLink(file)) {
        throw new B8gException(B8gException.Category.CAPABILITY, "file.link", "\"" + shown(requested)
            + "\" is a symbolic link; links are never followed below a granted directory");
      }
      throw new B8gException(B8gException.Category.CAPABILITY, "file.io", "cannot open \"" + shown(requested) + "\": " + e.getMessage());
    } finally {
      new Opened(file, reading, writing).close();
    }
  }

  /**
   * Refuses, with {@code file.not_regular}, anything but a regular file at {@code file} (a link is
   * not followed): a FIFO, a device, a socket, a directory.
   */
  public static void requireRegular(Path file, String shown) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return; // missing or unreadable: the open that follows says why
    }
    if (a.isRegularFile()) {
      return;
    }
    if (a.isSymbolicLink()) {
      throw new B8gException(B8gException.Category.CAPABILITY, "file.link", shown + " is a symbolic link; links are never followed");
    }
    throw new B8gException(B8gException.Category.CAPABILITY, "file.not_regular", shown + " is not a regular file");
  }

  private static void need(Set<Right> rights, Right right, boolean asked, String what, String requested) {
    if (asked && !rights.contains(right)) {
      throw new CapabilityException("capability.rights", "cannot " + what + " \"" + shown(requested) + "\": the directory is granted without "
          + right);
    }
  }

  /** A path as it may appear in a message: at most 200 characters, control characters escaped. */
  public static String shown(String path) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < path.length() && b.length() < 200; i++) {
      char c = path.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return path.length() > 200 ? b + "..." : b.toString();
  }
}
