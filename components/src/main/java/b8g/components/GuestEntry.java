package b8g.components;

import static b8g.components.Protocol.TO_GUEST_ATTACH;
import static b8g.components.Protocol.TO_GUEST_DETACH;
import static b8g.components.Protocol.TO_GUEST_MEMORY;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.interop.callback.IJavetDirectCallable;
import com.caoccao.javet.interop.callback.JavetCallbackContext;
import com.caoccao.javet.interop.callback.JavetCallbackType;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.reference.V8ValueFunction;
import com.caoccao.javet.values.reference.V8ValueGlobalObject;

/**
 * The host's hold on the prelude in one isolate: takes the prelude's entry point off the global
 * object and hides it, calls it with {@code TO_GUEST_*} codes, and attaches or detaches the
 * dispatcher (the one native function a component can call). The entry point is held only here:
 * the prelude puts it on the global object, {@link #bind} takes it and deletes the global before
 * any user code runs, so a component can never call the host's side of the protocol (re-binding,
 * waking, revoking). Component thread only.
 */
final class GuestEntry {
  private static final String GLOBAL = "__b8g";

  private final String name;
  private V8ValueFunction entry;
  private JavetCallbackContext callback;

  GuestEntry(String name) {
    this.name = name;
  }

  /** Calls the entry point with {@code op} (a {@code TO_GUEST_*} code) and {@code args}. */
  void enter(V8Runtime rt, int op, Object... args) throws JavetException {
    entry(rt).callVoid((V8Value) null, withOp(op, args));
  }

  /** As {@link #enter}, for an operation that answers with a string ("" for none). */
  String enterString(V8Runtime rt, int op, Object... args) throws JavetException {
    String s = entry(rt).callString((V8Value) null, withOp(op, args));
    return s == null ? "" : s;
  }

  /** As {@link #enter}, for an operation that answers yes or no. */
  boolean enterBoolean(V8Runtime rt, int op, Object... args) throws JavetException {
    return Boolean.TRUE.equals(entry(rt).callBoolean((V8Value) null, withOp(op, args)));
  }

  /** Committed bytes of the component's WebAssembly memories, as its prelude counts them. */
  long wasmCommitted(V8Runtime rt) throws JavetException {
    Double d = entry(rt).callDouble((V8Value) null, withOp(TO_GUEST_MEMORY, new Object[0]));
    return d == null ? 0 : d.longValue();
  }

  /**
   * Binds to {@code rt} (taking the entry point if it is not held for this runtime yet) and hands
   * the prelude {@code dispatcher} as its native function.
   */
  void attach(V8Runtime rt, DispatchAdapter dispatcher) throws JavetException {
    if (entry == null || entry.getV8Runtime() != rt) {
      bind(rt);
    }
    callback = new JavetCallbackContext("b8g", JavetCallbackType.DirectCallNoThisAndResult,
        (IJavetDirectCallable.NoThisAndResult<Exception>) dispatcher::dispatch);
    try (V8ValueFunction f = rt.createV8ValueFunction(callback)) {
      enter(rt, TO_GUEST_ATTACH, f);
    }
  }

  /**
   * An isolate made ready ahead of its component ({@link IsolatePool}): its entry point taken off
   * the global object and a dispatcher attached (so the prelude's first-attach work,
   * late-globals.js, is done too) that forwards to whoever {@link #adopt}s it; before that it
   * forwards nowhere, and no JS runs in between.
   */
  static final class Prepared {
    final V8Runtime rt;
    private final V8ValueFunction entry;
    private final JavetCallbackContext callback;
    private volatile DispatchAdapter target;

    private Prepared(V8Runtime rt, V8ValueFunction entry) {
      this.rt = rt;
      this.entry = entry;
      this.callback = new JavetCallbackContext("b8g", JavetCallbackType.DirectCallNoThisAndResult,
          (IJavetDirectCallable.NoThisAndResult<Exception>) args -> {
            DispatchAdapter d = target;
            if (d == null) {
              throw new ComponentException("component.entry", "no component holds this isolate yet");
            }
            return d.dispatch(args);
          });
    }

    /** Closes the isolate (a pool worker that was never taken). */
    void close() {
      try {
        entry.close();
        rt.close();
      } catch (JavetException | RuntimeException ignored) {
        // the process is going away
      }
    }
  }

  /** Takes {@code rt}'s entry point and attaches a forwarding dispatcher (see {@link Prepared}). */
  static Prepared prepare(V8Runtime rt) throws JavetException {
    GuestEntry g = new GuestEntry("pool");
    g.bind(rt);
    Prepared p = new Prepared(rt, g.entry);
    try (V8ValueFunction f = rt.createV8ValueFunction(p.callback)) {
      g.enter(rt, TO_GUEST_ATTACH, f);
    }
    return p;
  }

  /** Holds {@code p}'s isolate as if {@link #attach} had run there with {@code dispatcher}: no JS runs. */
  void adopt(Prepared p, DispatchAdapter dispatcher) {
    release();
    entry = p.entry;
    callback = p.callback;
    p.target = dispatcher;
  }

  /**
   * Takes the dispatcher away from the prelude and releases every Java-held V8 value, so the
   * isolate can be snapshotted with nothing of the host left in it.
   */
  void detach(V8Runtime rt) throws JavetException {
    enter(rt, TO_GUEST_DETACH);
    release();
    rt.removeCallbackContext(callback.getHandle());
    callback = null;
  }

  /** As {@link #detach}, for an isolate about to be closed: safe when it is dead or terminated. */
  void detachQuietly(V8Runtime rt) {
    try {
      if (callback != null && !rt.isDead()) {
        enter(rt, TO_GUEST_DETACH);
        rt.removeCallbackContext(callback.getHandle());
      }
    } catch (JavetException | RuntimeException e) {
      // The isolate may be terminated; closing it releases everything anyway.
    }
    callback = null;
    release();
  }

  private V8ValueFunction entry(V8Runtime rt) {
    V8ValueFunction e = entry;
    if (e == null || e.getV8Runtime() != rt) {
      throw new ComponentException("component.entry", name + ": the host is not bound to this isolate");
    }
    return e;
  }

  /** Takes the prelude's entry point off the global object. */
  private void bind(V8Runtime rt) throws JavetException {
    release();
    try (V8ValueGlobalObject global = rt.getGlobalObject()) {
      V8Value v = global.get(GLOBAL);
      if (!(v instanceof V8ValueFunction f)) {
        v.close();
        throw new ComponentException("component.entry", name + ": the prelude's entry point is missing");
      }
      entry = f;
      global.delete(GLOBAL);
    }
  }

  /** Releases the entry point (idempotent; its isolate may be closed already). */
  void release() {
    V8ValueFunction e = entry;
    entry = null;
    if (e != null) {
      try {
        e.close();
      } catch (JavetException | RuntimeException ignored) {
        // its isolate is closed already
      }
    }
  }

  private static Object[] withOp(int op, Object[] args) {
    Object[] all = new Object[args.length + 1];
    all[0] = op;
    System.arraycopy(args, 0, all, 1, args.length);
    return all;
  }
}
