package b8g.cli;

import b8g.errors.B8gException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the control sockets of this user's running hosts live, and the checks that make that
 * place trustworthy: {@code ${XDG_RUNTIME_DIR:-/tmp}/b8g-<uid>/<pid>.sock}.
 *
 * <p>The directory must be a real directory (not a symbolic link), owned by this user, with
 * permissions exactly {@code rwx------}. It is created so when missing; one that exists with
 * another owner or looser permissions is refused, never repaired: someone else may have put it
 * there to receive our snapshots or to answer as a fake host. Because only this user can enter
 * the directory, only this user can connect to a socket in it; the server checks the peer's
 * credentials as well.
 */
final class ControlSocket {
  static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

  private ControlSocket() {}

  /** This process's user id, as the kernel reports it. */
  static int uid() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | UnsupportedOperationException | ClassCastException e) {
      throw new B8gException(B8gException.Category.IO, "control.directory",
          "cannot find this process's user id (control sockets need Linux /proc): " + e.getMessage(), e);
    }
  }

  /** {@code ${XDG_RUNTIME_DIR:-/tmp}/b8g-<uid>}, not checked. */
  static Path directoryPath(Map<String, String> env) {
    String runtime = env.get("XDG_RUNTIME_DIR");
    Path base = runtime == null || runtime.isEmpty() || !runtime.startsWith("/") ? Path.of("/tmp") : Path.of(runtime);
    return base.resolve("b8g-" + uid());
  }

  /**
   * The checked socket directory; created (mode 0700) when {@code create} and missing.
   *
   * @throws B8gException (IO, {@code control.directory}) when it is missing and not to be created,
   *     or exists but is a link, not a directory, owned by another user or not exactly 0700
   */
  static Path directory(Path dir, boolean create) {
    if (create && !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      } catch (FileAlreadyExistsException e) {
        // Created meanwhile (another host starting): checked below like any other.
      } catch (IOException e) {
        throw new B8gException(B8gException.Category.IO, "control.directory", "cannot create " + dir + ": " + e.getMessage(), e);
      }
    }
    try {
      if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw new B8gException(B8gException.Category.IO, "control.directory",
            "no b8g host of this user is running (" + dir + " does not exist)");
      }
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw refused(dir, "it is not a directory (a symbolic link or a file)");
      }
      int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      if (owner != uid()) {
        throw refused(dir, "it belongs to user id " + owner + ", not to this user (" + uid() + ")");
      }
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
      if (!perms.equals(OWNER_ONLY)) {
        throw refused(dir, "its permissions are " + PosixFilePermissions.toString(perms) + ", not rwx------");
      }
      return dir;
    } catch (IOException e) {
      throw new B8gException(B8gException.Category.IO, "control.directory", "cannot check " + dir + ": " + e.getMessage(), e);
    }
  }

  private static B8gException refused(Path dir, String why) {
    return new B8gException(B8gException.Category.IO, "control.directory", "refusing the control socket directory "
        + dir + ": " + why + "; remove it if you do not know who made it");
  }

  static Path socketOf(Path dir, long pid) {
    return dir.resolve(pid + ".sock");
  }

  /** The pids of this user's live hosts: sockets in {@code dir} whose process runs. Sorted. */
  static List<Long> liveHosts(Path dir) {
    return hostFiles(dir, ".sock", pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
  }

  /**
   * The pids named by the files {@code <pid><suffix>} in {@code dir} that {@code live} accepts,
   * sorted: the one scan behind the control sockets and the counters files.
   */
  static List<Long> hostFiles(Path dir, String suffix, java.util.function.LongPredicate live) {
    List<Long> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*" + suffix)) {
      for (Path p : s) {
        String n = p.getFileName().toString();
        String digits = n.substring(0, n.length() - suffix.length());
        if (!digits.matches("[1-9][0-9]{0,9}")) {
          continue;
        }
        long pid = Long.parseLong(digits);
        if (live.test(pid)) {
          out.add(pid);
        }
      }
    } catch (IOException e) {
      throw new B8gException(B8gException.Category.IO, "control.directory", "cannot list " + dir + ": " + e.getMessage(), e);
    }
    out.sort(null);
    return out;
  }
}
