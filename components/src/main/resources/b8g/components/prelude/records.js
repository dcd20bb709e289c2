// b8g prelude: capability records: the stub registry, rights, the record of a slot-only stub, the len:value fields capability records come in, and the requests the host settles later.
// ---- the registry ---------------------------------------------------------------------------
// stub -> slot. A WeakMap, so a component cannot forge a stub: only objects made here are known.
const slotOf = new WeakMapCtor();
// slot -> internal record { kind, wake(), revoke() }
let records = new MapCtor();
function rightsMask(rights) {
  if (rights === undefined) return RIGHT_READ | RIGHT_WRITE;
  if (typeof rights === 'string') rights = [rights];
  if (!ArrayIsArray(rights)) throw new TypeErrorCtor('rights must be "read", "write" or an array of them');
  let m = 0;
  for (let i = 0; i < rights.length; i++) {
    if (rights[i] === 'read') m |= RIGHT_READ; else if (rights[i] === 'write') m |= RIGHT_WRITE;
    else throw new TypeErrorCtor('unknown right ' + StringCtor(rights[i]) + ': use "read" or "write"');
  }
  return m;
}
function revokedError(what) { return new CapabilityError('capability.revoked', what + ' was revoked'); }
function detach(buffer) {
  // Detach every view of the shared memory: views go to length 0, later writes go nowhere.
  if (buffer !== null && buffer !== undefined) { try { ReflectApply(ArrayBufferTransfer, buffer, [0]); } catch (e) { } }
}
function register(stub, slot, rec, name) {
  ReflectApply(WeakMapSet, slotOf, [stub, slot]);
  // Host-driven paths read optional members (prepare, rebind, transferred): with no prototype,
  // a getter user code put on Object.prototype cannot run inside them.
  ObjectSetPrototypeOf(rec, null);
  rec.stub = stub;
  rec.name = name;
  mapSet(records, slot, rec);
  return ObjectFreeze(stub);
}
function requireSlot(stub, what) {
  const s = (stub !== null && typeof stub === 'object') ? ReflectApply(WeakMapGet, slotOf, [stub]) : undefined;
  if (s === undefined) throw new TypeErrorCtor(what + ' must be a capability from env');
  return s;
}
// A channel end given away (to a child by run, or by export) is no longer this component's: only
// channel records have transferred().
function givenAway(slot) {
  const rec = mapGet(records, slot);
  if (rec !== undefined && rec.transferred !== undefined) rec.transferred();
}
// The record of a stub that holds nothing but its slot (run, watch, snapshot, log, a child):
// rec.slot is the slot it calls the host with, and a rebind to a capability of the same kind
// moves it. follow, if given, hears of each change: the new slot, or -1 on revocation.
function slotRecord(kind, slot, follow) {
  const rec = {
    kind, slot,
    wake() {},
    revoke() { if (follow !== undefined) follow(-1); },
    rebind(n) {
      if (n.kind !== kind) return false;
      rec.slot = n.slot;
      if (follow !== undefined) follow(n.slot);
      return true;
    },
  };
  return rec;
}

// ---- host requests: operations the host settles in a later turn -----------------------------
// A file open under a directory (TO_HOST_OPEN) and the network operations (connect, listen, accept, fetch)
// return at once; the host answers with TO_GUEST_SETTLED(id, error, result). The pending ones:
// request id -> { resolve, reject, done(fields), error(code, message), owner, what }.
const hostRequests = new MapCtor();
let nextHostRequest = 1;
// Asks the host (send(id) throws at once when the call is refused); the promise settles with
// done(result fields: the capability records installed first, then the operation's own) or
// error(code, message). owner: the record of the stub asked (its revocation rejects the request).
function hostRequest(owner, what, done, error, send) {
  const id = nextHostRequest++;
  send(id);
  return new PromiseCtor((resolve, reject) => {
    mapSet(hostRequests, id, { __proto__: null, resolve, reject, done, error, owner, what });
  });
}
// TO_GUEST_SETTLED: request id is settled: error '' with its result, or the error's fields (code, message).
function hostRequestSettled(id, error, result) {
  const r = mapGet(hostRequests, id);
  if (r === undefined) return;
  mapDelete(hostRequests, id);
  if (error !== '') { const f = decodeFields(error); r.reject(r.error(f[0], f[1])); return; }
  let v;
  try { v = r.done(decodeFields(result)); } catch (e) { r.reject(e); return; }
  r.resolve(v);
}
// The pending requests of `owner` (every one when undefined: after a restore, whose host is not
// the one that was asked) reject with capability.revoked: `why` says after what.
function hostRequestsLost(owner, why) {
  const all = mapList(hostRequests);
  for (let i = 0; i < all.length; i++) {
    const r = all[i][1];
    if (owner !== undefined && r.owner !== owner) continue;
    mapDelete(hostRequests, all[i][0]);
    r.reject(new CapabilityError('capability.revoked', r.what + ' ' + why));
  }
}

// ---- fields: len:value, as Protocol.Fields writes and reads them ----------------------------
function encodeFields(list) {
  let s = '';
  for (let i = 0; i < list.length; i++) s += list[i].length + ':' + list[i];
  return s;
}
const decodeFields = (function decodeFields(s) {
  const fields = [];
  let i = 0;
  while (i < s.length) {
    const colon = ReflectApply(StringIndexOf, s, [':', i]);
    const len = NumberCtor(ReflectApply(StringSlice, s, [i, colon]));
    push(fields, ReflectApply(StringSlice, s, [colon + 1, colon + 1 + len]));
    i = colon + 1 + len;
  }
  return fields;
});

// Capability records come from the host as one string of fields, RECORD_FIELDS per
// capability (name, kind, slot, rights, size, value), never as objects: an object built by the
// host would run setters user code defined on Object.prototype.
const decodeCapabilityRecords = (function decodeCapabilityRecords(s) {
  const fields = decodeFields(s);
  const out = [];
  for (let k = 0; k + RECORD_FIELDS - 1 < fields.length; k += RECORD_FIELDS) {
    const d = ObjectCreate(null);
    d.name = fields[k]; d.kind = fields[k + 1]; d.slot = NumberCtor(fields[k + 2]);
    d.rights = NumberCtor(fields[k + 3]); d.size = NumberCtor(fields[k + 4]); d.value = fields[k + 5];
    if (d.kind === KIND_READER || d.kind === KIND_WRITER || (d.kind === KIND_REGION && d.rights === (RIGHT_READ | RIGHT_WRITE))) {
      d.buffer = call(TO_HOST_BUFFER, d.slot);
    }
    push(out, d);
  }
  return out;
});
