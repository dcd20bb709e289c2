package b8g.cli;

import static org.junit.jupiter.api.Assertions.*;

import b8g.errors.B8gException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control protocol's parser and the socket directory checks: untrusted input, refused clearly. */
class ControlRequestTest {
  @TempDir Path dir;

  private static ControlRequest parse(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return ControlRequest.parse(b, b.length);
  }

  private static void assertRefused(String request, String phrase) {
    B8gException e = assertThrows(B8gException.class, () -> parse(request), request);
    assertEquals("control.request", e.code());
    assertEquals(B8gException.Category.USAGE, e.category());
    assertTrue(e.getMessage().contains(phrase), e.getMessage());
  }

  @Test
  void shouldParseSnapshotAndStatusRequests() {
    String path = dir.resolve("x.b8gi").toString();
    ControlRequest r = parse("{\"v\":1,\"op\":\"snapshot\",\"component\":\"counter\",\"path\":\"" + path + "\"}\n");
    assertEquals("counter", r.component());
    assertEquals(Path.of(path), r.path());
    assertFalse(r.all());
    assertTrue(parse("{\"v\":1,\"op\":\"snapshot\",\"all\":true,\"path\":\"" + path + "\"}").all());
    assertEquals("status", parse("{\"v\":1,\"op\":\"status\"}").op());
  }

  @Test
  void shouldRefuseMalformedRequests() {
    String ok = dir.resolve("x.b8gi").toString();
    assertRefused("garbage", "not strict JSON");
    assertRefused("[1]", "one JSON object");
    assertRefused("{\"v\":1,\"op\":\"status\"} {}", "not strict JSON");
    assertRefused("{'v':1,'op':'status'}", "not strict JSON");
    assertRefused("{\"v\":2,\"op\":\"status\"}", "\"v\" must be 1");
    assertRefused("{\"op\":\"status\"}", "\"v\" must be 1");
    assertRefused("{\"v\":1,\"op\":\"status\",\"op\":\"status\"}", "appears twice");
    assertRefused("{\"v\":1,\"op\":\"status\",\"x\":1}", "unknown key");
    assertRefused("{\"v\":1,\"op\":\"reboot\"}", "unknown op");
    assertRefused("{\"v\":1,\"op\":{\"a\":1}}", "string, number or boolean");
    assertRefused("{\"v\":1,\"op\":\"snapshot\",\"path\":\"" + ok + "\"}", "exactly one of");
    assertRefused("{\"v\":1,\"op\":\"snapshot\",\"all\":true,\"component\":\"a\",\"path\":\"" + ok + "\"}", "exactly one of");
    assertRefused("{\"v\":1,\"op\":\"snapshot\",\"component\":\"a\\u0000b\",\"path\":\"" + ok + "\"}", "control character");
    assertRefused("{\"v\":1,\"op\":\"snapshot\",\"component\":\"" + "a".repeat(300) + "\",\"path\":\"" + ok + "\"}", "1 to 256");
    assertRefused("{\"v\":1,\"op\":\"snapshot\",\"all\":true,\"path\":\"" + "x".repeat(4100) + "\"}", "longer than 4096");
    byte[] invalid = {'{', (byte) 0xC3, '}'};
    B8gException e = assertThrows(B8gException.class, () -> ControlRequest.parse(invalid, invalid.length));
    assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
  }

  @Test
  void shouldRefuseRelativeUnnormalisedMissingAndForeignPaths() throws Exception {
    String head = "{\"v\":1,\"op\":\"snapshot\",\"all\":true,\"path\":\"";
    assertRefused(head + "x.b8gi\"}", "must be absolute");
    assertRefused(head + dir + "/../x.b8gi\"}", "normalised");
    assertRefused(head + dir + "/nodir/x.b8gi\"}", "does not exist");
    assertRefused(head + dir + "\"}", "is a directory");
    Path other = Files.writeString(dir.resolve("notes.txt"), "precious");
    assertRefused(head + other + "\"}", "not a stack image");
    Path earlier = Files.writeString(dir.resolve("old.b8gi"), "B8GIMAGE...");
    assertEquals(earlier, parse(head + earlier + "\"}").path());
  }

  @Test
  void shouldOnlyEverRefuseMutatedRequestsWithAControlError() {
    String seed = "{\"v\":1,\"op\":\"snapshot\",\"component\":\"counter\",\"path\":\"" + dir.resolve("x.b8gi") + "\"}";
    Random rnd = new Random(42);
    for (int i = 0; i < 5000; i++) {
      byte[] b = seed.getBytes(StandardCharsets.UTF_8);
      for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
        b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
      }
      try {
        ControlRequest.parse(b, b.length);
      } catch (B8gException e) {
        assertEquals("control.request", e.code(), e.getMessage());
      }
    }
  }

  @Test
  void shouldCreateTheSocketDirectoryOwnerOnlyAndRefuseLooserOrLinkedOnes() throws Exception {
    Path made = ControlSocket.directory(dir.resolve("b8g-test"), true);
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made)));
    Path loose = Files.createDirectory(dir.resolve("loose"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rwxr-xr-x"));
    B8gException e = assertThrows(B8gException.class, () -> ControlSocket.directory(loose, true));
    assertTrue(e.getMessage().contains("not rwx------"), e.getMessage());
    Path link = Files.createSymbolicLink(dir.resolve("link"), made);
    e = assertThrows(B8gException.class, () -> ControlSocket.directory(link, true));
    assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
    e = assertThrows(B8gException.class, () -> ControlSocket.directory(dir.resolve("missing"), false));
    assertTrue(e.getMessage().contains("no b8g host"), e.getMessage());
  }
}
