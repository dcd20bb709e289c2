package b8g.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.errors.B8gException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Memory shared with child processes: {@link Region#shared} (no name left in /dev/shm), {@link
 * Region#peerPath()} (also of shmFile regions), {@link Region#mapPeer} in this JVM and in a real
 * child process ({@link PeerMapMain}), and what mapPeer refuses.
 */
class SharedRegionTest {
  private static final long PID = ProcessHandle.current().pid();
  private static final Path SHM = Path.of("/dev/shm");

  private final List<Region> regions = new ArrayList<>();
  private final Path file = SHM.resolve("b8g-shared-region-test-" + UUID.randomUUID());

  @AfterEach
  void closeAll() throws Exception {
    for (Region region : regions) {
      region.close();
    }
    Files.deleteIfExists(file);
  }

  private Region keep(Region region) {
    regions.add(region);
    return region;
  }

  private static B8gException assertCode(String code, Executable action) {
    B8gException e = assertThrows(B8gException.class, action);
    assertEquals(code, e.code(), e.getMessage());
    assertEquals(B8gException.Category.MEMORY, e.category());
    return e;
  }

  /** The names in /dev/shm that shared() of this process would use. */
  private static Set<String> ownSharedNames() throws IOException {
    try (Stream<Path> entries = Files.list(SHM)) {
      return entries.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("b8g-" + PID + "-"))
          .collect(TreeSet::new, Set::add, Set::addAll);
    }
  }

  /** The targets of every descriptor this process has open. */
  private static List<String> openTargets() throws IOException {
    List<String> targets = new ArrayList<>();
    try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        try {
          targets.add(Files.readSymbolicLink(entry).toString());
        } catch (IOException e) {
          // closed since the listing (the listing's own descriptor among them)
        }
      }
    }
    return targets;
  }

  @Test
  void sharedMemoryHasNoNameInDevShmOnceCreated() throws Exception {
    Set<String> before = ownSharedNames();
    Region region = keep(Region.shared("hidden", 1 << 16));
    assertEquals(before, ownSharedNames(), "no b8g-<pid>-* entry is left in /dev/shm");
    assertNull(region.file(), "its name is gone");

    Path peerPath = region.peerPath();
    assertTrue(peerPath.toString().matches("/proc/" + PID + "/fd/[0-9]+"), peerPath.toString());
    String target = Files.readSymbolicLink(peerPath).toString();
    assertTrue(target.matches("/dev/shm/b8g-" + PID + "-[0-9a-f]{32} \\(deleted\\)"), target);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(peerPath)));
    assertEquals(1 << 16, Files.size(peerPath));

    region.writeVolatileInt(0, 7);
    region.close();
    assertEquals(before, ownSharedNames());
  }

  @Test
  void everySharedRegionIsAFileOfItsOwn() throws Exception {
    Region a = keep(Region.shared("a", 4096));
    Region b = keep(Region.shared("b", 4096));
    assertNotEquals(a.peerPath(), b.peerPath());
    assertNotEquals(Files.readSymbolicLink(a.peerPath()), Files.readSymbolicLink(b.peerPath()));
    a.writeVolatileInt(0, 1);
    assertEquals(0, b.readVolatileInt(0));
  }

  @Test
  void sharedAndItsPeerMappingSeeEachOthersWritesBothWays() {
    Region host = keep(Region.shared("host", 8192));
    Region peer = keep(Region.mapPeer("peer", host.peerPath(), 8192));
    assertNull(peer.file());
    assertEquals(0, peer.readVolatileInt(8188), "zero-filled");

    host.bytesStore().writeVolatileInt(4096, 0xCAFE);
    assertEquals(0xCAFE, peer.bytesStore().readVolatileInt(4096));
    peer.bytesStore().writeVolatileInt(64, -3);
    assertEquals(-3, host.bytesStore().readVolatileInt(64));

    ByteBuffer hostView = host.byteBuffer();
    ByteBuffer peerView = peer.byteBuffer();
    hostView.put(100, (byte) 42);
    assertEquals(42, peerView.get(100));
    peerView.putLong(8184, 0x0102030405060708L);
    assertEquals(0x0102030405060708L, hostView.getLong(8184));

    peer.close(); // deletes nothing, and the host's memory stays
    assertEquals(0xCAFE, host.readVolatileInt(4096));
  }

  @Test
  void aChildProcessWritesIntoTheHostsSharedRegion() throws Exception {
    Region host = keep(Region.shared("host", 1 << 20));
    host.writeVolatileInt(0, 0x5EED);
    try (Child child = new Child(host.peerPath(), 1 << 20, 65536, 0x12345678, false)) {
      assertEquals("mapped " + 0x5EED, child.nextLine());
      child.assertExitsCleanly();
    }
    assertEquals(0x12345678, host.readVolatileInt(65536));
    assertEquals(0x5EED, host.readVolatileInt(65540), "the child saw the host's write");
  }

  @Test
  void theChildsMappingOutlivesTheHostsRegion() throws Exception {
    Region host = Region.shared("host", 4096);
    host.writeVolatileInt(0, 11);
    String target = Files.readSymbolicLink(host.peerPath()).toString();
    try (Child child = new Child(host.peerPath(), 4096, 128, 100, true)) {
      assertEquals("mapped 11", child.nextLine());
      assertEquals(100, host.readVolatileInt(128));
      host.close();
      assertFalse(openTargets().contains(target), "the host holds the file no more");
      try (OutputStream in = child.process.getOutputStream()) {
        in.write("closed\n".getBytes(StandardCharsets.UTF_8));
      }
      assertEquals("still 101 11", child.nextLine());
      child.assertExitsCleanly();
    } finally {
      host.close();
    }
  }

  @Test
  void mapPeerRefusesEveryPathButAPeerPath() throws Exception {
    Region host = keep(Region.shared("host", 4096));
    String fd = host.peerPath().getFileName().toString();
    Path shmFile = SHM.resolve("b8g-not-a-peer-" + UUID.randomUUID());
    String passwd = Files.exists(Path.of("/etc/passwd")) ? Files.readString(Path.of("/etc/passwd")) : null;
    for (String path : List.of(
        shmFile.toString(),
        "/etc/passwd",
        "/proc/self/fd/../x",
        "/proc/self/fd/" + fd,
        "/proc/" + PID + "/fd/" + fd + "/x",
        "/proc/" + PID + "/fd/../fd/" + fd,
        "/proc/0" + PID + "/fd/" + fd,
        "/proc/" + PID + "/fd/0" + fd,
        "/proc/" + PID + "/fd/-1",
        "proc/" + PID + "/fd/" + fd,
        "/proc/" + PID + "/fdinfo/" + fd,
        "/proc/" + PID + "/cwd")) {
      B8gException e = assertCode("region.io", () -> Region.mapPeer("bad", Path.of(path), 4096));
      assertTrue(e.getMessage().contains(path) && e.getMessage().contains("region 'bad'"), e.getMessage());
    }
    assertFalse(Files.exists(shmFile), "nothing is created");
    if (passwd != null) {
      assertEquals(passwd, Files.readString(Path.of("/etc/passwd")));
    }
  }

  @Test
  void mapPeerRefusesAnotherSize() {
    Region host = keep(Region.shared("host", 8192));
    B8gException e = assertCode("region.size_mismatch", () -> Region.mapPeer("peer", host.peerPath(), 4096));
    assertTrue(e.getMessage().contains("8192") && e.getMessage().contains("4096"), e.getMessage());
    assertCode("region.size_mismatch", () -> Region.mapPeer("peer", host.peerPath(), 8193));
    assertCode("region.size", () -> Region.mapPeer("peer", host.peerPath(), 0));
    assertCode("region.size", () -> Region.mapPeer("peer", host.peerPath(), Region.MAX_SIZE + 1));
  }

  @Test
  void mapPeerOfADescriptorThatIsNotOpenFails() throws Exception {
    // Descriptor numbers are small; one this high is not open (and it is a peer path in form).
    Path nowhere = Path.of("/proc/" + PID + "/fd/999999");
    assertFalse(Files.exists(nowhere, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    B8gException e = assertCode("region.io", () -> Region.mapPeer("gone", nowhere, 4096));
    assertTrue(e.getMessage().contains(nowhere.toString()), e.getMessage());
  }

  @Test
  void aShmFileRegionHasAPeerPathToo() throws Exception {
    Region named = keep(Region.shmFile("named", file, 8192, false));
    Path peerPath = named.peerPath();
    assertEquals(file.toString(), Files.readSymbolicLink(peerPath).toString(), "the file stays where it is");
    Region peer = keep(Region.mapPeer("peer", peerPath, 8192));
    peer.writeVolatileInt(4, 99);
    assertEquals(99, named.readVolatileInt(4));
    named.writeOrderedInt(8, 5);
    assertEquals(5, peer.readVolatileInt(8));
    assertEquals(file, named.file());
  }

  @Test
  void twoRegionsOverOneFileFindTheirOwnDescriptors() throws Exception {
    Region first = Region.shmFile("first", file, 4096, true);
    Region second = keep(Region.shmFile("second", file, 4096, true));
    assertNotEquals(first.peerPath(), second.peerPath());
    Path secondPath = second.peerPath();
    first.close();
    assertTrue(Files.exists(file), "persistent");
    assertEquals(file.toString(), Files.readSymbolicLink(secondPath).toString(), "the second's descriptor stays");
    assertEquals(1, openTargets().stream().filter(file.toString()::equals).count());
  }

  @Test
  void closeClosesTheDescriptorAndIsIdempotent() throws Exception {
    Region region = Region.shared("closing", 4096);
    String target = Files.readSymbolicLink(region.peerPath()).toString();
    assertTrue(openTargets().contains(target));
    region.close();
    assertFalse(openTargets().contains(target), "the descriptor is closed");
    region.close();
    assertTrue(region.isReleased());
    assertCode("region.closed", region::peerPath);

    Region named = Region.shmFile("named", file, 4096, false);
    assertTrue(openTargets().contains(file.toString()));
    named.close();
    named.close();
    assertFalse(openTargets().contains(file.toString()));
    assertFalse(Files.exists(file), "not persistent: deleted");
  }

  @Test
  void regionsThatHoldNoFileHaveNoPeerPath() {
    Region anonymous = keep(Region.anonymous("anon", 4096));
    B8gException e = assertCode("region.not_shared", anonymous::peerPath);
    assertTrue(e.getMessage().contains("region 'anon'"), e.getMessage());
    Region host = keep(Region.shared("host", 4096));
    Region peer = keep(Region.mapPeer("peer", host.peerPath(), 4096));
    assertCode("region.not_shared", peer::peerPath);
  }

  @Test
  void sharedNeedsDevShmAndValidSizes() throws Exception {
    Path missing = Path.of("/no-such-dir-" + UUID.randomUUID());
    B8gException e = assertCode("region.io", () -> Region.sharedIn(missing, "nowhere", 4096));
    assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("region 'nowhere'"),
        e.getMessage());
    Set<String> before = ownSharedNames();
    assertCode("region.size", () -> Region.shared("zero", 0));
    assertCode("region.size", () -> Region.shared("huge", Region.MAX_SIZE + 1));
    assertEquals(before, ownSharedNames());
  }

  /** A running {@link PeerMapMain}: its stdout line by line, its stderr in a file for messages. */
  private static final class Child implements AutoCloseable {
    final Process process;
    private final BufferedReader out;
    private final Path stderr;

    Child(Path peerPath, long size, long offset, int value, boolean wait) throws IOException {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      // Chronicle Bytes needs the module openings this JVM was started with.
      for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        if (a.startsWith("--add-opens") || a.startsWith("--add-exports")) {
          cmd.add(a);
        }
      }
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), PeerMapMain.class.getName(),
          peerPath.toString(), Long.toString(size), Long.toString(offset), Integer.toString(value)));
      if (wait) {
        cmd.add("wait");
      }
      stderr = Files.createTempFile("b8g-peer-map", ".err");
      process = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
      out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** The next line of its protocol (other output, such as a logger's, is skipped). */
    String nextLine() throws Exception {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith("mapped ") || line.startsWith("still ")) {
          return line;
        }
      }
      process.waitFor(60, TimeUnit.SECONDS);
      return "no line; exit " + (process.isAlive() ? "none" : process.exitValue()) + "; stderr: " + errors();
    }

    void assertExitsCleanly() throws Exception {
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the child did not end");
      assertEquals(0, process.exitValue(), errors());
    }

    String errors() throws IOException {
      return Files.readString(stderr);
    }

    @Override
    public void close() throws IOException {
      process.destroyForcibly();
      Files.deleteIfExists(stderr);
    }
  }
}
