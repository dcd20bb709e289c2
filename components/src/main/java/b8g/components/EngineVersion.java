package b8g.components;

/**
 * What a V8 context blob taken in this process needs from the process that restores it: the
 * Javet release, the V8 version exactly as V8 reports it, the V8 flags that shape the heap, and
 * the b8g ABI version (the prelude and stub layout inside every blob). V8 aborts the whole
 * process on a version or flag mismatch, so a restore compares all of these before V8 sees a
 * byte (b8g.snapshots.Compatibility does that).
 *
 * @param engine which of Javet's V8 builds: {@code v8-i18n} (with ICU, the one b8g runs) or {@code v8}
 *     (without); a blob of one cannot be restored by the other
 * @param javet Javet release, for example {@code 5.0.6}
 * @param v8 V8 version, for example {@code 14.7.173.18}
 * @param flags the process-wide V8 flags b8g sets, canonical text
 * @param abi b8g platform ABI version; raise {@link #ABI} whenever the prelude changes the shape of
 *     what it keeps in the heap (records, stubs, tables)
 */
public record EngineVersion(String engine, String javet, String v8, String flags, int abi) {
  /**
   * The ABI of this build's prelude and blobs. 2: blobs are taken next to the read-only anchor
   * (Engine), so their read-only heap part is V8's own; blobs of ABI 1 may hold a private one and
   * crash a process that restores them next to another isolate. 3: the prelude keeps a table of
   * growable memory and makes resizable ArrayBuffers itself (its memory budget section); a
   * context of ABI 2 restored here would have neither. 4: the V8 build with ICU, and the web-standard
   * globals and the module loader in the prelude. 5: stdio, files, NET, services and the one path that
   * settles host requests (TO_GUEST_SETTLED) in the prelude. 6: the global's event listeners held
   * outside the WeakMap of event targets, and late-globals.js (the startup blob).
   */
  public static final int ABI = 6;

  private static volatile EngineVersion current;

  /** This process's engine. The first call loads V8 (about 400 ms the first time in a process). */
  public static EngineVersion current() {
    EngineVersion v = current;
    if (v == null) {
      v = new EngineVersion(Engine.ENGINE, Engine.javetVersion(), Engine.v8Version(), Engine.FLAGS, ABI);
      current = v;
    }
    return v;
  }
}
