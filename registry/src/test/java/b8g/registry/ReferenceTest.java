package b8g.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReferenceTest {
  private static final String D = "sha256:" + "ab".repeat(32);

  @Test
  void shouldParseRemoteAndStoreForms() {
    Reference r = Reference.parse("localhost:5000/repo/name:tag");
    assertEquals("localhost:5000", r.host());
    assertEquals("repo/name", r.repository());
    assertEquals("tag", r.tag());
    Reference d = Reference.parse("registry.example.com/demo/app@" + D);
    assertEquals("registry.example.com", d.host());
    assertNull(d.tag());
    assertEquals(D, d.digest());
    Reference s = Reference.parse("demo/app");
    assertTrue(!s.isRemote());
    assertEquals("latest", s.tag());
    assertEquals("demo/app:latest", s.storeTag());
    Reference both = Reference.parse("127.0.0.1:5000/a:v1@" + D);
    assertEquals("v1", both.tag());
    assertEquals(D, both.remoteReference());
  }

  @Test
  void shouldRejectMalformedReferencesClearly() {
    for (String bad : List.of("", "UPPER/case", "repo:", "repo:bad tag", "host:5000/", "a//b", "repo@sha256:xyz",
        "repo@md5:" + "a".repeat(32), "-lead", "a/b:" + "t".repeat(129), "bad host:1/x")) {
      RegistryException e = assertThrows(RegistryException.class, () -> Reference.parse(bad), bad);
      assertEquals(RegistryException.BAD_REFERENCE, e.code());
      assertTrue(e.getMessage().contains("expected [host[:port]/]name"), e.getMessage());
    }
  }
}
