package b8g.capabilities;

import java.util.ArrayList;
import java.util.List;

/**
 * One component's c-list: small integer slots to capabilities. Slots are what crosses the JS
 * boundary; a JS stub holds its slot in a closure, so a component can name only what it was given.
 * Slot numbers are never reused within a table, so a stale slot cannot come to mean something else.
 *
 * <p>Thread-safe: the component's thread looks slots up, the host installs and revokes.
 */
public final class CapabilityTable {
  private final String owner;
  private final List<Capability> slots = new ArrayList<>();

  public CapabilityTable(String owner) {
    this.owner = owner;
  }

  public String owner() {
    return owner;
  }

  /** Installs {@code cap} and returns its new slot. */
  public synchronized int install(Capability cap) {
    slots.add(cap);
    return slots.size() - 1;
  }

  /**
   * The capability in {@code slot}, checked for kind and rights.
   *
   * @param kinds accepted kinds; none means any
   * @throws CapabilityException unknown slot, revoked, wrong kind, or missing right
   */
  public Capability require(int slot, Right right, Capability.Kind... kinds) {
    Capability cap;
    synchronized (this) {
      if (slot < 0 || slot >= slots.size() || slots.get(slot) == null) {
        throw new CapabilityException("capability.unknown", "no capability in slot " + slot);
      }
      cap = slots.get(slot);
    }
    if (cap.revoked()) {
      throw new CapabilityException("capability.revoked", "the capability was revoked");
    }
    if (kinds.length > 0) {
      boolean ok = false;
      for (Capability.Kind k : kinds) {
        ok |= cap.kind() == k;
      }
      if (!ok) {
        throw new CapabilityException("capability.kind",
            "expected a " + kindsText(kinds) + " capability, got " + cap.kind().name().toLowerCase(java.util.Locale.ROOT));
      }
    }
    if (right != null && !cap.has(right)) {
      throw new CapabilityException("capability.rights",
          "the capability lacks the " + right.lowerName() + " right (it holds " + cap.rights() + ")");
    }
    return cap;
  }

  /** Removes the slot (without revoking the capability); later use of the slot fails as unknown. */
  public synchronized Capability remove(int slot) {
    if (slot < 0 || slot >= slots.size()) {
      return null;
    }
    return slots.set(slot, null);
  }

  /** Live capabilities, in slot order (null for removed slots). */
  public synchronized List<Capability> snapshot() {
    return new ArrayList<>(slots);
  }

  /** Revokes every capability in the table: what happens when the component ends. */
  public void revokeAll() {
    List<Capability> all;
    synchronized (this) {
      all = new ArrayList<>(slots);
    }
    for (Capability c : all) {
      if (c != null) {
        c.revoke();
      }
    }
  }

  private static String kindsText(Capability.Kind[] kinds) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < kinds.length; i++) {
      b.append(i == 0 ? "" : " or ").append(kinds[i].name().toLowerCase(java.util.Locale.ROOT));
    }
    return b.toString();
  }
}
