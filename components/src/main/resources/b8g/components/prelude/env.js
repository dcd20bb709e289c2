// b8g prelude: env: a stub per record, export and link.
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
    case KIND_VALUE: return d.value;
    default: throw new TypeErrorCtor('unknown capability kind ' + d.kind);
  }
}

const envValues = new MapCtor();
function buildEnv(descriptors) {
  const env = ObjectCreate(null);
  for (let i = 0; i < descriptors.length; i++) {
    const d = descriptors[i];
    if (d.kind === KIND_VALUE) {
      // Plain values (link secrets) are read through a getter from a table the prelude empties
      // before a snapshot and the host refills after it: no secret is written into an image.
      const nm = d.name;
      mapSet(envValues, nm, d.value);
      ObjectDefineProperty(env, nm, { __proto__: null, get: () => mapGet(envValues, nm), enumerable: true });
      continue;
    }
    env[d.name] = stubFor(d);
  }
  ObjectDefineProperty(env, 'export', {
    value: function (name, cap) {
      if (typeof name !== 'string') throw new TypeErrorCtor('export(name, capability): name must be a string');
      const s = requireSlot(cap, 'export(name, capability): capability');
      call(TO_HOST_EXPORT, name, s);
      const rec = mapGet(records, s);
      if (rec !== undefined && (rec.kind === KIND_READER || rec.kind === KIND_WRITER)) rec.transferred();
    },
  });
  ObjectDefineProperty(env, 'link', {
    value: function (secret) {
      if (typeof secret !== 'string') throw new TypeErrorCtor('link(secret): secret must be a string');
      const ds = decodeDescriptors(call(TO_HOST_LINK, secret));
      const out = ObjectCreate(null);
      for (let i = 0; i < ds.length; i++) out[ds[i].name] = stubFor(ds[i], 'link:' + ds[i].name);
      return ObjectFreeze(out);
    },
  });
  return ObjectFreeze(env);
}
