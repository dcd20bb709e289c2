// b8g prelude: env: a stub per capability record, plain values kept out of images, export and link.
// name: what the host calls this capability when it re-binds it after a restore.
function stubFor(d, name) {
  if (name === undefined) name = d.name;
  switch (d.kind) {
    case KIND_REGION: return makeRegion(d, name);
    case KIND_READER: return makeReader(d, name);
    case KIND_WRITER: return makeWriter(d, name);
    case KIND_RUN: return makeRun(d, name);
    case KIND_WATCH: return makeWatch(d, name);
    case KIND_SNAPSHOT: return makeSnapshot(d, name);
    case KIND_LOG: return makeLog(d, name);
    case KIND_DIRECTORY: return makeDirectory(d, name);
    case KIND_NET: return makeNet(d, name);
    case KIND_SERVICE: return makeService(d, name);
    case KIND_SERVE: return makeServe(d, name);
    case KIND_VALUE: return d.value;
    default: throw new TypeErrorCtor('unknown capability kind ' + d.kind);
  }
}

// Plain values (link secrets) by name. env reads them through getters from this table, which is
// emptied before a snapshot and refilled after it (TO_GUEST_VALUES): no secret is written into an image.
const envValues = new MapCtor();
function setValues(encoded) {
  const ds = decodeCapabilityRecords(encoded);
  for (let i = 0; i < ds.length; i++) if (ds[i].kind === KIND_VALUE) mapSet(envValues, ds[i].name, ds[i].value);
}
function clearValues() { ReflectApply(MapClear, envValues, []); }
const buildEnv = (function buildEnv(capRecords) {
  const env = ObjectCreate(null);
  for (let i = 0; i < capRecords.length; i++) {
    const d = capRecords[i];
    if (d.kind === KIND_VALUE) {
      const nm = d.name;
      mapSet(envValues, nm, d.value);
      ObjectDefineProperty(env, nm, { __proto__: null, get: () => mapGet(envValues, nm), enumerable: true });
      continue;
    }
    env[d.name] = stubFor(d);
  }
  ObjectDefineProperty(env, 'export', { __proto__: null,
    value: function (name, cap) {
      if (typeof name !== 'string') throw new TypeErrorCtor('export(name, capability): name must be a string');
      const s = requireSlot(cap, 'export(name, capability): capability');
      call(TO_HOST_EXPORT, name, s);
      givenAway(s);
    },
  });
  ObjectDefineProperty(env, 'link', { __proto__: null,
    value: function (secret) {
      if (typeof secret !== 'string') throw new TypeErrorCtor('link(secret): secret must be a string');
      const ds = decodeCapabilityRecords(call(TO_HOST_LINK, secret));
      const out = ObjectCreate(null);
      for (let i = 0; i < ds.length; i++) out[ds[i].name] = stubFor(ds[i], 'link:' + ds[i].name);
      return ObjectFreeze(out);
    },
  });
  return ObjectFreeze(env);
});
