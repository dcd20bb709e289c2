// b8g prelude: snapshots: the snapshot capability, and what taking one and restoring from one ask of the prelude.
// V8 aborts the whole process (a failed CHECK, not an exception) when it snapshots a heap whose
// FinalizationRegistry has cleanup pending (checked with Javet 5.0.6 / V8 14.7). Whether cleanup
// is pending cannot be seen from JS, so a component that ever registered a target is refused a
// snapshot with a clear error (TO_GUEST_PREPARE) before V8 is asked.
let finalizationUsed = false;
if (typeof FinalizationRegistry === 'function') {
  const FRRegister = FinalizationRegistry.prototype.register;
  ObjectDefineProperty(FinalizationRegistry.prototype, 'register', {
    value: function register(target, held, token) { finalizationUsed = true; return ReflectApply(FRRegister, this, [target, held, token]); },
    writable: true, configurable: true,
  });
}

// Likewise V8 aborts the process ("global handle not serialized: <Foreign>") when the heap holds
// an Intl object: each keeps its ICU object in a handle a snapshot cannot hold. The methods that
// format through V8's own cache (toLocaleString, localeCompare, normalize) keep none in the heap.
// So each Intl constructor is wrapped here, before user code, to note the first object made, and
// a component that made one is refused a snapshot with a clear error. The wrapper keeps the
// original's prototype, name, length and statics, and `instanceof` and calls without `new`
// behave as before.
let intlUsed = '';
if (typeof Intl === 'object') {
  const names = ReflectOwnKeys(Intl);
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const Original = Intl[name];
    // Constructors only: getCanonicalLocales and supportedValuesOf make no ICU object.
    if (typeof Original !== 'function' || typeof Original.prototype !== 'object') continue;
    const wrapper = function () {
      if (intlUsed === '') intlUsed = 'Intl.' + name;
      return new.target === undefined ? ReflectApply(Original, this, arguments) : ReflectConstruct(Original, arguments, new.target === wrapper ? Original : new.target);
    };
    const statics = ReflectOwnKeys(Original);
    for (let k = 0; k < statics.length; k++) {
      const key = statics[k];
      if (key !== 'prototype') ReflectDefineProperty(wrapper, key, ObjectGetOwnPropertyDescriptor(Original, key));
    }
    ReflectDefineProperty(wrapper, 'prototype', { value: Original.prototype, writable: false, enumerable: false, configurable: false });
    ReflectDefineProperty(Original.prototype, 'constructor', { value: wrapper, writable: true, enumerable: false, configurable: true });
    ReflectDefineProperty(Intl, name, { value: wrapper, writable: true, enumerable: false, configurable: true });
  }
}

// ---- the snapshot capability ----------------------------------------------------------------
// A request is recorded here, not in Java: the host takes the snapshot after the current turn
// (never inside it) and settles the promise in the runtime that goes on. The same record is in
// the image, so a component restored from it learns so through the same promise.
const snapshotRequests = new MapCtor(); // request id -> [resolve, reject]
let nextSnapshotRequest = 1;
function makeSnapshot(d, name) {
  const rec = slotRecord(KIND_SNAPSHOT, d.slot);
  const stub = {
    kind: KIND_SNAPSHOT,
    // Resolves with { restored: false } when the image is written and this component goes on,
    // and with { restored: true } in a component restored from that image.
    take(path) {
      if (typeof path !== 'string') throw new TypeErrorCtor('snapshot.take(path): path must be a string');
      const id = nextSnapshotRequest++;
      call(TO_HOST_SNAPSHOT, rec.slot, id, path);
      return new PromiseCtor((resolve, reject) => { mapSet(snapshotRequests, id, [resolve, reject]); });
    },
  };
  return register(stub, rec.slot, rec, name);
}

// TO_GUEST_SNAPSHOT_DONE: request `id` is settled, '' when the image was written, else why not.
function snapshotDone(id, error) {
  const r = mapGet(snapshotRequests, id);
  if (r === undefined) return;
  mapDelete(snapshotRequests, id);
  if (error === '') r[0](ObjectFreeze({ restored: false })); else r[1](new CapabilityError('snapshot.failed', error));
}

// ---- taking a snapshot and restoring from one --------------------------------------------------
// TO_GUEST_PREPARE: '' when the heap can be snapshotted; otherwise why not, for people.
function prepareSnapshot() {
  if (finalizationUsed) return 'it registered a FinalizationRegistry target, and V8 aborts the process on a snapshot with finalization cleanup pending';
  if (intlUsed !== '') return 'it made an ' + intlUsed + ' object, and V8 cannot put ICU objects in a snapshot (toLocaleString, localeCompare and normalize keep none)';
  const busy = servicesBusy();
  if (busy !== '') return busy + ' (a snapshot is taken between calls)';
  // V8 would copy every shared buffer still attached into the context blob (regions travel as
  // their own sections): detach them; the host re-binds fresh views after the snapshot.
  const all = mapList(records);
  for (let i = 0; i < all.length; i++) if (all[i][1].prepare !== undefined) all[i][1].prepare();
  clearValues();
  expose();
  return '';
}
// Between TO_GUEST_RESTORE_BEGIN and TO_GUEST_RESUMED: the records not yet re-bound, by their old slot.
let unbound = null;
function restoreBegin() { unbound = records; records = new MapCtor(); }
// TO_GUEST_REBIND: the record `d` names (by slot, or by name) takes d's slot and memory.
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
// TO_GUEST_RESUMED: the records left unbound are kept (same host) or revoked (restored).
function resumed(restored) {
  const left = mapList(unbound);
  unbound = null;
  for (let i = 0; i < left.length; i++) {
    const slot = left[i][0], rec = left[i][1];
    // In the same host (restored false) a record the host did not re-bind keeps its slot (a
    // child, a stub given away). In a restored stack the image grants nothing by itself: what
    // the manifest no longer grants is revoked.
    if (!restored) { mapSet(records, slot, rec); continue; }
    if (rec.kind === KIND_REGION || rec.kind === KIND_READER || rec.kind === KIND_WRITER || rec.kind === KIND_LOG)
      rec.revoke(new CapabilityError('capability.revoked', (rec.name || 'a capability') + ' is not granted after the restore'));
  }
  if (restored) {
    // Java's timers and children did not survive; re-arm the timers, report the children gone.
    rearmTimers();
    const lost = mapList(children);
    for (let i = 0; i < lost.length; i++) childExit(lost[i][0], 1, 'the child did not survive the restore');
    const done = mapList(snapshotRequests);
    for (let i = 0; i < done.length; i++) { mapDelete(snapshotRequests, done[i][0]); done[i][1][0](ObjectFreeze({ restored: true })); }
    hostRequestsLost(undefined, 'did not survive the restore');
  }
  // Re-poll every ring: a read that was waiting gets what arrived meanwhile.
  const all = mapList(records);
  for (let i = 0; i < all.length; i++) { try { all[i][1].wake(); } catch (e) { } }
}
