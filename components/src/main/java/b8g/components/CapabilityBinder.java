package b8g.components;

import static b8g.components.Protocol.KIND_LOG;
import static b8g.components.Protocol.KIND_READER;
import static b8g.components.Protocol.KIND_REGION;
import static b8g.components.Protocol.KIND_RUN;
import static b8g.components.Protocol.KIND_SERVE;
import static b8g.components.Protocol.KIND_SERVICE;
import static b8g.components.Protocol.KIND_SNAPSHOT;
import static b8g.components.Protocol.KIND_VALUE;
import static b8g.components.Protocol.KIND_WATCH;
import static b8g.components.Protocol.KIND_WRITER;
import static b8g.components.Protocol.TO_GUEST_REBIND;
import static b8g.components.Protocol.TO_GUEST_RESTORE_BEGIN;
import static b8g.components.Protocol.TO_GUEST_RESUMED;
import static b8g.components.Protocol.TO_GUEST_SERVICE_BINDING;
import static b8g.components.Protocol.TO_GUEST_REVOKE;
import static b8g.components.Protocol.TO_GUEST_START;
import static b8g.components.Protocol.TO_GUEST_VALUES;

import b8g.capabilities.Capability;
import b8g.capabilities.CapabilityTable;
import b8g.capabilities.Right;
import b8g.components.Component.EnvEntry;
import b8g.memory.Region;
import b8g.memory.Ring;
import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.reference.V8ValueArrayBuffer;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A component's capabilities as its prelude sees them: installs each in the c-list with its
 * wake-up hooks, describes it as a protocol record for a JS stub, hands out shared memory (once
 * per slot and binding), moves channel ends out, and re-binds every stub after a snapshot or a
 * restore through one path ({@link #rebind}).
 */
final class CapabilityBinder {
  private final Component component;
  private final CapabilityTable table;
  private final GuestEntry guest;
  private final List<EnvEntry> env;
  private final List<String> restoreHeld;
  /** Slot -> the name the JS stub knows the capability by (for re-binding after a snapshot). */
  private final Map<Integer, String> slotNames = new ConcurrentHashMap<>();
  /** Slots whose memory was handed to JS since the last (re-)binding: each at most once. */
  private final Set<Integer> buffersGiven = ConcurrentHashMap.newKeySet();
  /** Bytes of shared memory handed to JS (not the component's own allocation). */
  private final AtomicLong sharedBytes = new AtomicLong();

  CapabilityBinder(Component component, CapabilityTable table, GuestEntry guest, List<EnvEntry> env, Collection<String> restoreHeld) {
    this.component = component;
    this.table = table;
    this.guest = guest;
    this.env = env;
    this.restoreHeld = List.copyOf(restoreHeld);
  }

  /** Bytes of shared memory handed to JS since the last binding (the memory budget leaves them out). */
  long sharedBytes() {
    return sharedBytes.get();
  }

  /**
   * Installs {@code cap} in the table and binds its wake-up hooks to this component. Revoking the
   * capability later detaches the JS views on this component's thread.
   */
  int install(Capability cap) {
    int slot = table.install(cap);
    switch (cap.kind()) {
      case CHANNEL_READER -> cap.target(Ring.class).onReadable(() -> component.wake(slot));
      case CHANNEL_WRITER -> cap.target(Ring.class).onWritable(() -> component.wake(slot));
      case SERVICE -> {
        ServiceBinding b = cap.target(ServiceBinding.class);
        b.requests().onWritable(() -> component.wake(slot));
        b.responses().onReadable(() -> component.wake(slot));
      }
      case SERVE -> {
        ServedService served = cap.target(ServedService.class);
        for (ServiceBinding b : served.bindings()) {
          serving(b, slot);
          // A restarted server takes its clients up again (its predecessor's end was marked gone).
          b.requests().reopen(false, true);
          b.responses().reopen(true, false);
        }
        // A client linked at run time: its rings wake this slot, and the prelude hears of it.
        served.onAdded(i -> {
          ServiceBinding b = served.binding(i);
          serving(b, slot);
          component.conductor().post(rt -> guest.enter(rt, TO_GUEST_SERVICE_BINDING, slot, i, String.join(",", b.methods())));
        });
      }
      default -> { }
    }
    cap.onRevoke(() -> component.conductor().post(rt -> guest.enter(rt, TO_GUEST_REVOKE, slot)));
    return slot;
  }

  private void serving(ServiceBinding b, int slot) {
    b.requests().onReadable(() -> component.wake(slot));
    b.responses().onWritable(() -> component.wake(slot));
  }

  /** The slot was moved to a child or exported: the JS stub stops working, the table forgets the slot. */
  void transferredOut(int slot) {
    table.remove(slot);
    slotNames.remove(slot);
  }

  /** The name the JS stub in {@code slot} is known by, or null. */
  String slotName(int slot) {
    return slotNames.get(slot);
  }

  /**
   * Installs capabilities and returns their records for the prelude. Shared memory is handed over
   * separately, by slot ({@code TO_HOST_BUFFER}), as a return value.
   *
   * @param prefix how a restore finds them again: "" for grants, {@code link:} for linked ones
   */
  String installAll(Map<String, Capability> caps, String prefix) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, Capability> e : caps.entrySet()) {
      Capability cap = e.getValue();
      int slot = install(cap);
      // Restores re-derive by this name (link:NAME for linked ones, PARENT#MASK for attenuations).
      slotNames.put(slot, prefix + e.getKey());
      record(b, e.getKey(), slot, cap);
    }
    return b.toString();
  }

  /** The first turn's records: every granted capability installed, then the plain values. */
  void start(V8Runtime rt) throws JavetException {
    Map<String, Capability> caps = new LinkedHashMap<>();
    for (EnvEntry e : env) {
      if (e.capability() != null) {
        caps.put(e.name(), e.capability());
      }
    }
    guest.enter(rt, TO_GUEST_START, installAll(caps, "") + values());
  }

  /** Appends the record of a capability installed in {@code slot}. */
  static void record(StringBuilder b, String name, int slot, Capability cap) {
    String kind = switch (cap.kind()) {
      case REGION -> KIND_REGION;
      case CHANNEL_READER -> KIND_READER;
      case CHANNEL_WRITER -> KIND_WRITER;
      case RUN -> KIND_RUN;
      case WATCH -> KIND_WATCH;
      case LOG -> KIND_LOG;
      case SNAPSHOT -> KIND_SNAPSHOT;
      case DIRECTORY -> Protocol.KIND_DIRECTORY;
      case NET -> Protocol.KIND_NET;
      case SERVICE -> KIND_SERVICE;
      case SERVE -> KIND_SERVE;
      default -> throw new ComponentException("capability.kind", "a " + cap.kind() + " capability cannot be placed in env");
    };
    long size = cap.kind() == Capability.Kind.REGION ? cap.target(Region.class).size() : 0;
    Protocol.record(b, name, kind, slot, Right.mask(cap.rights()), size, recordValue(cap));
  }

  /** A service's methods (comma-separated, empty for all); a served one's, one field per binding. */
  private static String recordValue(Capability cap) {
    return switch (cap.kind()) {
      case SERVICE -> String.join(",", cap.target(ServiceBinding.class).methods());
      case SERVE -> {
        StringBuilder v = new StringBuilder();
        for (ServiceBinding b : cap.target(ServedService.class).bindings()) {
          Protocol.Fields.append(v, String.join(",", b.methods()));
        }
        yield v.toString();
      }
      default -> "";
    };
  }

  /**
   * The shared memory behind a region (read and write rights only) or a channel end, zero copy,
   * once per slot and binding: the prelude can detach the one view it holds on revocation or
   * transfer, so there must be no second one.
   */
  V8ValueArrayBuffer buffer(V8Runtime rt, int slot, Capability cap, int part) throws JavetException {
    boolean service = cap.kind() == Capability.Kind.SERVICE || cap.kind() == Capability.Kind.SERVE;
    if (!service && part != 0 || part < 0 || part > 1 << 20) {
      throw new ComponentException("range", "no memory part " + part + " in this capability");
    }
    // Each ring of a service once; the key keeps parts of one slot apart (slots and parts are small).
    if (!buffersGiven.add(service ? -(slot << 21 | part) - 1 : slot)) {
      throw new ComponentException("capability.buffer", "the memory of this capability was handed out already");
    }
    ByteBuffer bb = switch (cap.kind()) {
      case REGION -> {
        // Never hand JS memory it may not write (ARCHITECTURE.md): only a read+write holder gets a view.
        if (!cap.has(Right.READ) || !cap.has(Right.WRITE)) {
          throw new ComponentException("capability.rights", "a shared view needs read and write rights; use read(offset, length)");
        }
        yield cap.target(Region.class).byteBuffer();
      }
      case CHANNEL_READER, CHANNEL_WRITER -> cap.target(Ring.class).region().byteBuffer();
      case SERVICE -> {
        if (part > 1) {
          throw new ComponentException("range", "a service client has memory parts 0 and 1 only");
        }
        yield cap.target(ServiceBinding.class).part(part).region().byteBuffer();
      }
      case SERVE -> {
        ServiceBinding b = cap.target(ServedService.class).binding(ServiceBinding.binding(part));
        if (b == null) {
          throw new ComponentException("range", "this service has no client binding " + ServiceBinding.binding(part));
        }
        yield b.part(part).region().byteBuffer();
      }
      default -> throw new ComponentException("capability.kind", "a " + cap.kind().name().toLowerCase(Locale.ROOT) + " capability has no memory");
    };
    sharedBytes.addAndGet(bb.capacity());
    return rt.createV8ValueArrayBuffer(bb);
  }

  /**
   * Gives every stub its capability again, by slot, with fresh views of shared memory: after a
   * snapshot (in the runtime restored from it) and when a snapshot attempt failed after the
   * prelude had detached the views for it.
   */
  void rebindAll(V8Runtime rt) throws JavetException {
    beginRebinding(rt);
    List<Capability> slots = table.snapshot();
    for (Map.Entry<Integer, String> e : new TreeMap<>(slotNames).entrySet()) {
      int slot = e.getKey();
      Capability cap = slot < slots.size() ? slots.get(slot) : null;
      if (cap != null && !cap.revoked()) {
        rebind(rt, e.getValue(), slot, cap, true);
      }
    }
    endRebinding(rt, false);
  }

  /** The first turn of a restored component: re-bind by name what is granted now, then go on. */
  void restore(V8Runtime rt) throws JavetException {
    beginRebinding(rt);
    Map<String, Capability> granted = new LinkedHashMap<>();
    for (EnvEntry e : env) {
      if (e.capability() != null) {
        rebindByName(rt, e.name(), e.capability());
        granted.put(e.name(), e.capability());
      }
    }
    // An attenuated region is re-derived from the region granted now, with the rights it had.
    for (String name : restoreHeld) {
      int hash = name.lastIndexOf('#');
      Capability parent = hash > 0 ? granted.get(name.substring(0, hash)) : null;
      if (parent != null && parent.kind() == Capability.Kind.REGION) {
        try {
          rebindByName(rt, name, parent.attenuate(Right.fromMask(Integer.parseInt(name.substring(hash + 1)))));
        } catch (RuntimeException e) {
          // Not derivable any more (rights widened or bad name): it stays unbound and is revoked.
        }
      }
    }
    // Values granted now (a restored context gets the secrets of this host, not the image's).
    endRebinding(rt, true);
  }

  private void beginRebinding(V8Runtime rt) throws JavetException {
    buffersGiven.clear();
    sharedBytes.set(0);
    guest.enter(rt, TO_GUEST_RESTORE_BEGIN);
  }

  private void endRebinding(V8Runtime rt, boolean restored) throws JavetException {
    guest.enter(rt, TO_GUEST_VALUES, values());
    guest.enter(rt, TO_GUEST_RESUMED, restored);
  }

  /** Installs {@code cap} afresh and gives it to the stub of that name, if the context has one. */
  private void rebindByName(V8Runtime rt, String name, Capability cap) throws JavetException {
    int slot = install(cap);
    if (rebind(rt, name, slot, cap, false)) {
      // Known by name again, so a snapshot of the restored component re-binds it (rebindAll) and
      // lists it in the image (held); without this a restored one lost every stub to it.
      slotNames.put(slot, name);
    } else {
      // The image held nothing of that name (or of another kind): the grant has no stub to use it.
      table.remove(slot);
      slotNames.remove(slot);
    }
  }

  /** The one re-binding step: the stub found by slot ({@code bySlot}) or by name takes {@code cap}. */
  private boolean rebind(V8Runtime rt, String name, int slot, Capability cap, boolean bySlot) throws JavetException {
    StringBuilder d = new StringBuilder();
    record(d, name, slot, cap);
    return guest.enterBoolean(rt, TO_GUEST_REBIND, d.toString(), bySlot);
  }

  /** The plain-value grants (link secrets), as records for the prelude's value table. */
  private String values() {
    StringBuilder b = new StringBuilder();
    for (EnvEntry v : env) {
      if (v.capability() == null) {
        Protocol.record(b, v.name(), KIND_VALUE, -1, 0, 0, v.value());
      }
    }
    return b.toString();
  }

  /** Capabilities by the names the JS stubs know them by, in slot order. */
  Map<String, Capability> held() {
    Map<String, Capability> held = new LinkedHashMap<>();
    List<Capability> slots = table.snapshot();
    for (Map.Entry<Integer, String> e : new TreeMap<>(slotNames).entrySet()) {
      Capability cap = e.getKey() < slots.size() ? slots.get(e.getKey()) : null;
      if (cap != null && !cap.revoked()) {
        held.putIfAbsent(e.getValue(), cap);
      }
    }
    return held;
  }
}
