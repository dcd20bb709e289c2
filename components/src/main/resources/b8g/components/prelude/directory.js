// b8g prelude: directory: the directory capability, whose open(path, options) resolves to channel ends on a file below it.
// Options follow Deno.open's: read (the default), write, append, create, truncate, createNew. The
// host opens the file off the component's thread and answers with TO_GUEST_SETTLED (hostRequest in records.js); the request is
// recorded here, keyed by id, so a snapshot keeps it and a restore can reject it.
function openFlags(options) {
  if (options === undefined) return OPEN_READ;
  if (options === null || typeof options !== 'object') {
    throw new TypeErrorCtor('directory.open(path, options): options must be an object such as { read: true } or { write: true, create: true }');
  }
  let flags = 0;
  if (options.read) flags |= OPEN_READ;
  if (options.write) flags |= OPEN_WRITE;
  if (options.append) flags |= OPEN_APPEND;
  if (options.create) flags |= OPEN_CREATE;
  if (options.truncate) flags |= OPEN_TRUNCATE;
  if (options.createNew) flags |= OPEN_CREATE_NEW;
  if ((flags & (OPEN_READ | OPEN_WRITE | OPEN_APPEND)) === 0) {
    throw new TypeErrorCtor('directory.open(path, options): options give no access; set read, write or append');
  }
  if ((flags & (OPEN_CREATE | OPEN_CREATE_NEW)) !== 0 && (flags & (OPEN_WRITE | OPEN_APPEND)) === 0) {
    throw new TypeErrorCtor('directory.open(path, options): create and createNew need write or append, as in Deno.open');
  }
  if ((flags & OPEN_TRUNCATE) !== 0 && (flags & OPEN_WRITE) === 0) {
    throw new TypeErrorCtor('directory.open(path, options): truncate needs write, as in Deno.open');
  }
  if ((flags & OPEN_WRITE) !== 0 && (flags & OPEN_APPEND) !== 0) {
    throw new TypeErrorCtor('directory.open(path, options): write and append are two ways to write; set one');
  }
  return flags;
}
// The rights a directory carries, as names: what open may ask for.
function directoryRights(mask) {
  const out = [];
  if ((mask & RIGHT_READ) !== 0) push(out, 'read');
  if ((mask & RIGHT_WRITE) !== 0) push(out, 'write');
  if ((mask & RIGHT_APPEND) !== 0) push(out, 'append');
  if ((mask & RIGHT_CREATE) !== 0) push(out, 'create');
  return ObjectFreeze(out);
}
function makeDirectory(d, name) {
  const rec = slotRecord(KIND_DIRECTORY, d.slot);
  const stub = {
    kind: KIND_DIRECTORY,
    rights: directoryRights(d.rights),
    // Resolves to { path, reader, writer } (no prototype): a ChannelReader when read was asked, a ChannelWriter
    // when write or append was; the other is undefined. Rejects with a CapabilityError (code
    // capability.path, capability.rights, file.not_found, file.exists, ...) saying what and where.
    open(path, options) {
      if (typeof path !== 'string') throw new TypeErrorCtor('directory.open(path, options): path must be a string');
      const flags = openFlags(options);
      return hostRequest(rec, 'the open of ' + path, (f) => opened(f[0], path), (code, message) => new CapabilityError(code, message),
        (id) => call(TO_HOST_OPEN, rec.slot, id, path, flags));
    },
  };
  return register(stub, rec.slot, rec, name);
}
// An open settled: the records of its ends as { path, reader, writer }.
function opened(records, path) {
  const ds = decodeCapabilityRecords(records);
  let reader, writer;
  for (let i = 0; i < ds.length; i++) {
    const stub = stubFor(ds[i], 'open:' + ds[i].name);
    if (ds[i].kind === KIND_READER) reader = stub; else writer = stub;
  }
  // No prototype: resolving the promise reads `then`, and a getter user code put on
  // Object.prototype must not run here.
  return ObjectFreeze({ __proto__: null, path, reader, writer });
}
