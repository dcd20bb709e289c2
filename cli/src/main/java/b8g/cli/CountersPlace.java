package b8g.cli;

import b8g.errors.B8gException;
import b8g.memory.counters.CountersDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where the counters files of this user's hosts live: beside their control sockets, in the same
 * checked private directory ({@link ControlSocket}): {@code ${XDG_RUNTIME_DIR:-/tmp}/b8g-<uid>/<pid>.counters}.
 */
final class CountersPlace {
  private CountersPlace() {}

  static Path fileOf(Path dir, long pid) {
    return dir.resolve(pid + ".counters");
  }

  /**
   * The file this process's host is to create: the directory checked (created 0700 if missing),
   * and a stale file of an earlier process with the same pid removed (only this user can have put
   * it in that directory).
   *
   * @throws B8gException (IO) {@code control.directory} when the directory is refused
   */
  static Path forThisProcess(Map<String, String> env) {
    Path dir = ControlSocket.directory(ControlSocket.directoryPath(env), true);
    Path file = fileOf(dir, ProcessHandle.current().pid());
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new B8gException(B8gException.Category.IO, "counters.io", "cannot remove the stale counters file " + file + ": " + e.getMessage(), e);
    }
    return file;
  }

  /**
   * The counters file of host {@code pid}, or of the only host running when null.
   *
   * @throws B8gException (USAGE) {@code control.host} when there is no such host, none, or
   *     several and no pid (the message lists them)
   */
  static Path find(Map<String, String> env, Long pid) {
    Path where = ControlSocket.directoryPath(env);
    if (!Files.exists(where, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new B8gException(B8gException.Category.USAGE, "control.host", "no b8g host of this user is running (" + where
          + " does not exist)");
    }
    Path dir = ControlSocket.directory(where, false);
    List<Long> live = liveHosts(dir);
    if (pid != null) {
      if (!live.contains(pid)) {
        throw new B8gException(B8gException.Category.USAGE, "control.host", "no b8g host with pid " + pid
            + " keeps counters for this user" + (live.isEmpty() ? "" : " (running: " + pids(live) + ")"));
      }
      return fileOf(dir, pid);
    }
    if (live.isEmpty()) {
      throw new B8gException(B8gException.Category.USAGE, "control.host", "no b8g host of this user is running (no counters file in "
          + dir + ")");
    }
    if (live.size() > 1) {
      throw new B8gException(B8gException.Category.USAGE, "control.host", live.size() + " b8g hosts of this user are running (pids "
          + pids(live) + "); choose one with --host PID");
    }
    return fileOf(dir, live.get(0));
  }

  /** How much earlier than the header's start a host's process may seem to start (the kernel's start time is coarse). */
  private static final long START_SLACK_MS = 2_000;

  /**
   * Whether the host that wrote a counters file with pid {@code pid} and start time {@code
   * startMillis} (0 when unknown) still runs: a process with that pid is alive, and it started no
   * later than the file did. A host killed with {@code kill -9} leaves its file behind; a later
   * process given the same pid started after that file and is not the host.
   */
  static boolean isLive(long pid, long startMillis) {
    Optional<ProcessHandle> p = ProcessHandle.of(pid);
    if (p.isEmpty() || !p.get().isAlive()) {
      return false;
    }
    Optional<Instant> started = p.get().info().startInstant();
    return startMillis <= 0 || started.isEmpty() || started.get().toEpochMilli() <= startMillis + START_SLACK_MS;
  }

  /** The start time a counters file's header holds, or 0 when it cannot be read. */
  private static long headerStart(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer header = ByteBuffer.allocate(CountersDescriptor.START_OFFSET + Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      while (header.hasRemaining() && ch.read(header) >= 0) {
        // until the start time is read, or the file ends
      }
      return header.hasRemaining() ? 0 : header.getLong(CountersDescriptor.START_OFFSET);
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * The pids of hosts with a counters file in {@code dir} whose process runs and is the one that
   * wrote the file ({@link #isLive}). Sorted.
   */
  static List<Long> liveHosts(Path dir) {
    return ControlSocket.hostFiles(dir, ".counters", pid -> isLive(pid, headerStart(dir.resolve(pid + ".counters"))));
  }

  private static String pids(List<Long> pids) {
    return pids.stream().map(String::valueOf).collect(Collectors.joining(", "));
  }
}
