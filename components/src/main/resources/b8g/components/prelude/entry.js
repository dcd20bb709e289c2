// b8g prelude: The host's entry point: what the host asks of the prelude, by TO_GUEST_* code.
// ---- the host's entry point -----------------------------------------------------------------
let started = false;
// Between TO_GUEST_RESTORE_BEGIN and TO_GUEST_RESUMED: the records not yet re-bound, by their old slot.
let unbound = null;

function rebind(d, bySlot) {
  let rec, old;
  if (bySlot) { rec = mapGet(unbound, d.slot); old = d.slot; }
  else {
    // By name: the first record of that name not yet re-bound (slot order).
    const all = mapList(unbound);
    for (let i = 0; i < all.length; i++) { if (all[i][1].name === d.name) { old = all[i][0]; rec = all[i][1]; break; } }
  }
  if (rec === undefined || rec.rebind === undefined) return false;
  let ok;
  try { ok = rec.rebind(d); } catch (e) { ok = false; }
  if (!ok) return false;
  mapDelete(unbound, old);
  ReflectApply(WeakMapSet, slotOf, [rec.stub, d.slot]);
  mapSet(records, d.slot, rec);
  return true;
}

function resumed(restored) {
  const left = unbound; unbound = null;
  const left1 = mapList(left);
  for (let i = 0; i < left1.length; i++) {
    const slot = left1[i][0], rec = left1[i][1];
    // In the same host (restored false) a record the host did not re-bind keeps its slot (a
    // child, a stub given away). In a restored stack the image grants nothing by itself: what
    // the manifest no longer grants is revoked.
    if (!restored) { mapSet(records, slot, rec); continue; }
    if (rec.kind === KIND_REGION || rec.kind === KIND_READER || rec.kind === KIND_WRITER || rec.kind === KIND_LOG)
      rec.revoke(new CapabilityError('capability.revoked', (rec.name || 'a capability') + ' is not granted after the restore'));
  }
  if (restored) {
    // Java's timers and children did not survive; re-arm the timers, report the children gone.
    const ts = mapList(timers);
    const now = DateNow();
    for (let i = 0; i < ts.length; i++) call(TO_HOST_TIMER, ts[i][0], MathMin(2147483647, MathMax(0, ts[i][1].due - now)) | 0);
    const lost = mapList(children);
    for (let i = 0; i < lost.length; i++) enter(TO_GUEST_CHILD_EXIT, lost[i][0], 1, 'the child did not survive the restore');
    const done = mapList(snapshotRequests);
    for (let i = 0; i < done.length; i++) { mapDelete(snapshotRequests, done[i][0]); done[i][1][0](ObjectFreeze({ restored: true })); }
  }
  // Re-poll every ring: a read that was waiting gets what arrived meanwhile.
  const all = mapList(records);
  for (let i = 0; i < all.length; i++) { try { all[i][1].wake(); } catch (e) { } }
}
function settle(code, message) { try { call(TO_HOST_EXIT, code, message); } catch (e) { } }
// One line for people: "Error: message (at file:line:col)".
function reason(e) {
  try { return describeError(e); } catch (x) { return 'an error whose description threw'; }
}
function describeError(e) {
  if (!(e instanceof ErrorCtor)) return show(e, 0);
  const stack = StringCtor(e.stack || '');
  const at = ReflectApply(RegExpExec, STACK_LINE, [stack]);
  return e.name + ': ' + e.message + (at ? ' (at ' + at[1] + ')' : '');
}
function enter(op, a, b, c) {
  immediate = 0; yieldDue = false; // every host entry starts a new turn
  switch (op) {
    case TO_GUEST_ATTACH: dispatch = a; return;
    case TO_GUEST_DETACH: dispatch = null; return;
    case TO_GUEST_START: {
      if (started) throw new TypeErrorCtor('already started');
      started = true;
      // The user script's top-level `main` (a function declaration or a top-level let/const),
      // looked up by name in the global scope at this point, after the script ran.
      const entry = typeof main === 'function' ? main : undefined;
      if (entry === undefined) { settle(1, 'the script does not define a function main(env)'); return; }
      let p;
      try { p = entry(buildEnv(decodeDescriptors(a))); } catch (e) { settle(1, reason(e)); return; }
      then(resolved(p), () => settle(0, ''), (e) => settle(1, reason(e)));
      return;
    }
    case TO_GUEST_WAKE: { const r = mapGet(records, a); if (r !== undefined) r.wake(); return; }
    case TO_GUEST_REVOKE: { const r = mapGet(records, a); if (r !== undefined) { mapDelete(records, a); r.revoke(); } return; }
    case TO_GUEST_TIMER: { const t = mapGet(timers, a); if (t !== undefined) { mapDelete(timers, a); t.run(); } return; }
    case TO_GUEST_WATCH_EVENT: { const f = mapGet(watches, a); if (f !== undefined) f(ObjectFreeze({ kind: b, path: c })); return; }
    case TO_GUEST_CHILD_EXIT: {
      const ch = mapGet(children, a);
      if (ch === undefined) return;
      mapDelete(children, a);
      const ev = ObjectFreeze({ kind: 'exit', code: b, reason: c });
      ch.resolve(ev);
      for (let i = 0; i < ch.listeners.length; i++) if (ch.listeners[i] !== null) ch.listeners[i](ev);
      return;
    }
    case TO_GUEST_PREPARE: {
      // '' when the heap can be snapshotted; otherwise why not, for people.
      if (finalizationUsed) return 'it registered a FinalizationRegistry target, and V8 aborts the process on a snapshot with finalization cleanup pending';
      // V8 would copy every shared buffer still attached into the context blob (regions travel as
      // their own sections): detach them; the host re-binds fresh views after the snapshot.
      const all = mapList(records);
      for (let i = 0; i < all.length; i++) if (all[i][1].prepare !== undefined) all[i][1].prepare();
      ReflectApply(MapClear, envValues, []);
      expose();
      return '';
    }
    case TO_GUEST_RESTORE_BEGIN: unbound = records; records = new MapCtor(); return;
    case TO_GUEST_REBIND: return rebind(decodeDescriptors(a)[0], b === true);
    case TO_GUEST_VALUES: { const ds = decodeDescriptors(a); for (let i = 0; i < ds.length; i++) if (ds[i].kind === KIND_VALUE) mapSet(envValues, ds[i].name, ds[i].value); return; }
    case TO_GUEST_RESUMED: resumed(a === true); return;
    case TO_GUEST_MEMORY: return committedWasm();
    case TO_GUEST_SNAPSHOT_DONE: {
      const r = mapGet(snapshotRequests, a);
      if (r === undefined) return;
      mapDelete(snapshotRequests, a);
      if (b === '') r[0](ObjectFreeze({ restored: false })); else r[1](new CapabilityError('snapshot.failed', b));
      return;
    }
    default: throw new TypeErrorCtor('unknown host operation');
  }
}
// The host takes this off the global object before user code runs (Component.bindEntry) and
// holds it privately; TO_GUEST_PREPARE puts it back for the moment of a snapshot, so a runtime
// restored from the blob can be bound again. No user code runs in between.
function expose() { ReflectDefineProperty(g, '__b8g', { __proto__: null, value: enter, writable: false, enumerable: false, configurable: true }); }
expose();
