// b8g prelude: host stubs: run (and the children it starts), watch and log, each with a slotRecord.
const children = new MapCtor(); // child id -> { resolve, listeners }
const watches = new MapCtor();  // watch id -> callback
// TO_GUEST_WATCH_EVENT: watch `id` saw a change.
function watchEvent(id, kind, path) {
  const f = mapGet(watches, id);
  if (f !== undefined) f(ObjectFreeze({ kind, path }));
}
// TO_GUEST_CHILD_EXIT: child `id` ended.
function childExit(id, code, reason) {
  const ch = mapGet(children, id);
  if (ch === undefined) return;
  mapDelete(children, id);
  const ev = ObjectFreeze({ kind: 'exit', code, reason });
  ch.resolve(ev);
  for (let i = 0; i < ch.listeners.length; i++) if (ch.listeners[i] !== null) ch.listeners[i](ev);
}

function makeRun(d, name) {
  const rec = slotRecord(KIND_RUN, d.slot);
  function start(script, grants = {}) {
    if (typeof script !== 'string') throw new TypeErrorCtor('run(script, grants): script must be a string path');
    if (grants === null || typeof grants !== 'object') throw new TypeErrorCtor('run(script, grants): grants must be an object of capabilities');
    const keys = ObjectKeys(grants);
    const names = [], slots = [], values = [];
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i], v = grants[k];
      if (ReflectApply(StringIndexOf, k, ['\n']) >= 0) throw new TypeErrorCtor('a grant name must not contain a line break');
      // Strings are plain values (like arguments); everything else must be a capability stub.
      if (typeof v === 'string') { push(values, k); push(values, v); continue; }
      push(names, k); push(slots, requireSlot(v, 'grant "' + k + '"'));
    }
    const id = call(TO_HOST_RUN, rec.slot, script, ReflectApply(ArrayJoin, names, ['\n']), ReflectApply(ArrayJoin, slots, [',']), encodeFields(values));
    for (let i = 0; i < slots.length; i++) givenAway(slots[i]);
    let resolveExit;
    const exited = new PromiseCtor((resolve) => { resolveExit = resolve; });
    mapSet(children, id, { resolve: resolveExit, listeners: [] });
    const child = {
      id, exited,
      terminate() { call(TO_HOST_CHILD_TERMINATE, rec.slot, id); },
    };
    return register(child, -id, slotRecord(KIND_CHILD, -id), 'child:' + id);
  }
  const stub = function run(script, grants) { return start(script, grants); };
  return register(stub, rec.slot, rec, name);
}

function makeWatch(d, name) {
  const rec = slotRecord(KIND_WATCH, d.slot);
  function handle(id) { return ObjectFreeze({ close() { mapDelete(watches, id); call(TO_HOST_UNWATCH, rec.slot, id); } }); }
  const stub = {
    // Calls onEvent({ kind: 'created'|'modified'|'deleted'|'overflow', path }) for changes of a granted file or
    // directory ('overflow': events were lost, look again; 'deleted' of the watched directory ends the watch).
    path(path, onEvent) {
      if (typeof onEvent !== 'function') throw new TypeErrorCtor('watch.path(path, onEvent): onEvent must be a function');
      const id = call(TO_HOST_WATCH_PATH, rec.slot, StringCtor(path));
      mapSet(watches, id, onEvent);
      return handle(id);
    },
    // Calls onEvent({ kind: 'exit', code, reason }) when a child started with run ends.
    child(child, onEvent) {
      if (typeof onEvent !== 'function') throw new TypeErrorCtor('watch.child(child, onEvent): onEvent must be a function');
      const s = requireSlot(child, 'child');
      const c = mapGet(children, -s);
      if (c === undefined) throw new TypeErrorCtor('not a child of this component');
      push(c.listeners, onEvent);
      return ObjectFreeze({ close() { for (let i = 0; i < c.listeners.length; i++) if (c.listeners[i] === onEvent) c.listeners[i] = null; } });
    },
    // Calls onEvent({ kind: 'readable' }) whenever the channel end has messages or its end.
    channel(reader, onEvent) {
      if (typeof onEvent !== 'function') throw new TypeErrorCtor('watch.channel(reader, onEvent): onEvent must be a function');
      let open = true;
      function loop() { if (!open) return; then(reader.ready(), () => { if (open) { onEvent({ kind: 'readable' }); loop(); } }); }
      loop();
      return ObjectFreeze({ close() { open = false; } });
    },
    // Calls onEvent({ kind: 'modified', path: <region name> }) when the region's bytes change
    // (the host samples a checksum of a region this component may read, every 50 ms).
    region(region, onEvent) {
      if (typeof onEvent !== 'function') throw new TypeErrorCtor('watch.region(region, onEvent): onEvent must be a function');
      const id = call(TO_HOST_WATCH_REGION, rec.slot, requireSlot(region, 'watch.region(region, onEvent): region'));
      mapSet(watches, id, onEvent);
      return handle(id);
    },
  };
  return register(stub, rec.slot, rec, name);
}

// console writes through the log capability (logSlot), and is silent once one is revoked.
function makeLog(d, name) {
  logSlot = d.slot;
  return register({ kind: KIND_LOG }, d.slot, slotRecord(KIND_LOG, d.slot, (s) => { logSlot = s; }), name);
}
