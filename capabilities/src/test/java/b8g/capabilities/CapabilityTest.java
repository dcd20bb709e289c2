package b8g.capabilities;

import static org.junit.jupiter.api.Assertions.*;

import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CapabilityTest {
  @Test
  void shouldNotAttenuateToWiderRights() {
    Capability ro = Capability.root(Capability.Kind.REGION, "r", EnumSet.of(Right.READ));
    CapabilityException e = assertThrows(CapabilityException.class, () -> ro.attenuate(EnumSet.of(Right.READ, Right.WRITE)));
    assertEquals("capability.rights", e.code());
    assertEquals(EnumSet.of(Right.READ), ro.attenuate(EnumSet.of(Right.READ)).rights());
  }

  @Test
  void shouldRevokeEveryDerivedCapabilityAndRunListeners() {
    Capability root = Capability.root(Capability.Kind.REGION, "r", EnumSet.allOf(Right.class));
    Capability child = root.derive();
    Capability grandChild = child.attenuate(EnumSet.of(Right.READ));
    AtomicInteger ran = new AtomicInteger();
    grandChild.onRevoke(ran::incrementAndGet);
    child.revoke();
    assertTrue(child.revoked());
    assertTrue(grandChild.revoked());
    assertFalse(root.revoked());
    assertEquals(1, ran.get());
    grandChild.onRevoke(ran::incrementAndGet);
    assertEquals(2, ran.get(), "a listener added after revocation runs at once");
    assertThrows(CapabilityException.class, child::derive);
  }

  @Test
  void shouldRefuseUnknownRevokedWrongKindAndMissingRight() {
    CapabilityTable t = new CapabilityTable("c");
    Capability ro = Capability.root(Capability.Kind.REGION, "r", EnumSet.of(Right.READ));
    int slot = t.install(ro);
    assertSame(ro, t.require(slot, Right.READ, Capability.Kind.REGION));
    assertEquals("capability.unknown", assertThrows(CapabilityException.class, () -> t.require(slot + 1, null)).code());
    assertEquals("capability.unknown", assertThrows(CapabilityException.class, () -> t.require(-1, null)).code());
    assertEquals("capability.rights", assertThrows(CapabilityException.class, () -> t.require(slot, Right.WRITE)).code());
    assertEquals("capability.kind", assertThrows(CapabilityException.class, () -> t.require(slot, null, Capability.Kind.RUN)).code());
    ro.revoke();
    assertEquals("capability.revoked", assertThrows(CapabilityException.class, () -> t.require(slot, Right.READ)).code());
  }

  @Test
  void shouldNeverReuseASlot() {
    CapabilityTable t = new CapabilityTable("c");
    int a = t.install(Capability.root(Capability.Kind.LOG, null, EnumSet.noneOf(Right.class)));
    t.remove(a);
    int b = t.install(Capability.root(Capability.Kind.RUN, null, EnumSet.noneOf(Right.class)));
    assertNotEquals(a, b);
    assertEquals("capability.unknown", assertThrows(CapabilityException.class, () -> t.require(a, null)).code());
  }

  @Test
  void shouldRejectUnknownRightsBits() {
    assertEquals(EnumSet.of(Right.WRITE), Right.fromMask(2));
    assertThrows(CapabilityException.class, () -> Right.fromMask(16));
  }

  @Test
  void shouldRedactSecretAndCompareExactly() {
    Secret s = new Secret();
    assertEquals("Secret[redacted]", s.toString());
    String hex = s.reveal();
    assertEquals(64, hex.length());
    assertTrue(s.matches(Secret.parse(hex)));
    byte[] wrong = Secret.parse(hex);
    wrong[31] ^= 1;
    assertFalse(s.matches(wrong));
    assertNull(Secret.parse(hex.substring(1)));
    assertNull(Secret.parse("zz" + hex.substring(2)));
    s.rotate();
    assertFalse(s.matches(Secret.parse(hex)), "a rotated secret no longer matches the old key");
  }

  @Test
  void shouldRefuseWrongRotatedAndNonexistentSecretsAlike() {
    LinkRegistry<String> reg = new LinkRegistry<>();
    Secret a = reg.register("a");
    String old = a.reveal();
    assertEquals("a", reg.resolve("b", old));
    reg.rotate("a");
    CapabilityException rotated = assertThrows(CapabilityException.class, () -> reg.resolve("b", old));
    CapabilityException garbage = assertThrows(CapabilityException.class, () -> reg.resolve("c", "nope"));
    CapabilityException random = assertThrows(CapabilityException.class, () -> reg.resolve("d", new Secret().reveal()));
    assertEquals(rotated.getMessage(), garbage.getMessage());
    assertEquals(rotated.getMessage(), random.getMessage());
    assertEquals("link.refused", rotated.code());
    assertFalse(rotated.getMessage().contains(old));
    assertEquals("a", reg.resolve("b", a.reveal()));
    reg.unregister("a");
    assertEquals("link.refused", assertThrows(CapabilityException.class, () -> reg.resolve("b", a.reveal())).code());
  }

  @Test
  void shouldThrottleRepeatedFailuresPerRequester() {
    AtomicLong now = new AtomicLong(1_000_000_000L);
    LinkRegistry<String> reg = new LinkRegistry<>(now::get);
    Secret a = reg.register("a");
    for (int i = 0; i < LinkRegistry.FREE_FAILURES; i++) {
      assertEquals("link.refused", assertThrows(CapabilityException.class, () -> reg.resolve("m", "x")).code());
    }
    // Even the right secret is refused while the requester is throttled.
    assertEquals("link.throttled", assertThrows(CapabilityException.class, () -> reg.resolve("m", a.reveal())).code());
    assertEquals("a", reg.resolve("other", a.reveal()), "the throttle is per requester");
    now.addAndGet(LinkRegistry.BASE_DELAY_NANOS);
    assertEquals("a", reg.resolve("m", a.reveal()));
    assertEquals("link.refused", assertThrows(CapabilityException.class, () -> reg.resolve("m", "x")).code());
  }
}
