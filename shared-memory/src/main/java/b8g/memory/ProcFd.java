package b8g.memory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.regex.Pattern;

/**
 * This process's file descriptors as Linux's procfs shows them: which descriptor number a {@link
 * FileChannel} holds, and the {@code /proc/<pid>/fd/<n>} path through which a child process of the
 * same user opens the very file behind it (even once its name is deleted).
 *
 * <p>Why procfs: the JDK does not say which descriptor a channel holds, and reaching into its
 * internals would need reflection into {@code java.base}. Instead, {@link #descriptorOf} lists
 * {@code /proc/self/fd} and picks the entry whose link target is exactly the file's path. That
 * alone is not enough when the process has the same file open more than once (two regions over
 * one manifest-named file), so the channel is first moved to a random position, which lives in its
 * open file description and nowhere else, and the entry must show that position in {@code
 * /proc/self/fdinfo/<n>} too. Entries that close or change while the list is read are skipped:
 * the channel's own descriptor stays open throughout, so it cannot be among them.
 */
final class ProcFd {
  /** A peer path: {@code /proc/<pid>/fd/<n>}, decimal numbers without leading zeros, nothing else. */
  private static final Pattern PEER_PATH = Pattern.compile("/proc/[1-9][0-9]{0,9}/fd/(0|[1-9][0-9]{0,9})");

  private static final Path SELF_FD = Path.of("/proc/self/fd");
  private static final Path SELF_FDINFO = Path.of("/proc/self/fdinfo");

  /**
   * Positions used as marks lie in [2^32, 2^40): far beyond any region (at most 1 GiB) and below
   * the largest file size of common file systems (tmpfs 2^63, ext4 2^44), where a seek could fail.
   */
  private static final long MARK_BASE = 1L << 32;
  private static final long MARK_RANGE = (1L << 40) - MARK_BASE;
  private static final SecureRandom RANDOM = new SecureRandom();

  private ProcFd() {}

  /**
   * The descriptor number {@code channel} holds. {@code file} is the path the channel was opened
   * with, not through a link in its last element; it must still name the same file (so call this
   * before deleting the name). The channel's position is restored before returning.
   *
   * @throws IOException if no entry of {@code /proc/self/fd} is the channel's (procfs not mounted,
   *     or the name no longer leads to the file)
   */
  static int descriptorOf(FileChannel channel, Path file) throws IOException {
    // The kernel shows the path with every directory link resolved; the last element is the
    // file itself (opened without following links), so only the directory needs resolving.
    Path absolute = file.toAbsolutePath();
    String target = absolute.getParent().toRealPath().resolve(absolute.getFileName()).toString();
    long restore = channel.position();
    long mark = MARK_BASE + RANDOM.nextLong(MARK_RANGE);
    channel.position(mark);
    try {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(SELF_FD)) {
        for (Path entry : entries) {
          String n = entry.getFileName().toString();
          if (target.equals(linkTarget(entry)) && position(n) == mark) {
            return Integer.parseInt(n);
          }
        }
      }
    } finally {
      channel.position(restore);
    }
    throw new IOException("no descriptor of this process in " + SELF_FD + " leads to " + target);
  }

  /** The path a process of the same user opens to reach what descriptor {@code fd} of this process holds. */
  static Path peerPath(int fd) {
    return Path.of("/proc", Long.toString(ProcessHandle.current().pid()), "fd", Integer.toString(fd));
  }

  /**
   * Whether {@code path} is exactly {@code /proc/<pid>/fd/<n>} with both numbers in decimal: no
   * {@code self}, no {@code ..}, nothing after the descriptor, so that a path handed over by a peer
   * can lead only to a file some process holds open, never to a file named directly.
   */
  static boolean isPeerPath(Path path) {
    return PEER_PATH.matcher(path.toString()).matches();
  }

  /** The link's target, or null if the entry is gone (closed since the listing) or unreadable. */
  private static String linkTarget(Path entry) {
    try {
      return Files.readSymbolicLink(entry).toString();
    } catch (IOException e) {
      return null;
    }
  }

  /** The file position of descriptor {@code n} from its fdinfo, or -1 if gone or unreadable. */
  private static long position(String n) {
    List<String> lines;
    try {
      lines = Files.readAllLines(SELF_FDINFO.resolve(n));
    } catch (IOException e) {
      return -1;
    }
    for (String line : lines) {
      if (line.startsWith("pos:")) {
        try {
          return Long.parseLong(line.substring(4).trim());
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }
}
