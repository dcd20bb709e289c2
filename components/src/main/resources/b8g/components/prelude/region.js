// b8g prelude: the region stub: a shared view with read and write rights, else reads and writes through the host.
function makeRegion(d, name) {
  let slot = d.slot;
  const size = d.size, rights = d.rights;
  let buffer = d.buffer === undefined ? null : d.buffer;
  let revoked = false;
  function live() { if (revoked) throw revokedError('region'); }
  function range(offset, length) {
    if (!NumberIsInteger(offset) || !NumberIsInteger(length) || offset < 0 || length < 0 || offset + length > size)
      throw new RangeErrorCtor('range [' + offset + ', ' + (offset + length) + ') is outside the region of ' + size + ' bytes');
  }
  const stub = {
    kind: KIND_REGION, size,
    rights: ObjectFreeze(rights === (RIGHT_READ | RIGHT_WRITE) ? ['read', 'write'] : rights === RIGHT_READ ? ['read'] : rights === RIGHT_WRITE ? ['write'] : []),
    get buffer() { live(); if (buffer === null) throw new CapabilityError('capability.rights', 'a shared view needs read and write rights; use read(offset, length)'); return buffer; },
    read(offset = 0, length = size - offset) {
      live(); range(offset, length);
      if (buffer !== null) { const out = new Uint8ArrayCtor(length); ReflectApply(TypedArraySet, out, [new Uint8ArrayCtor(buffer, offset, length)]); return out; }
      return new Uint8ArrayCtor(call(TO_HOST_REGION_READ, slot, offset, length));
    },
    write(offset, data) {
      live(); const b = typeof data === 'string' ? utf8Encode(data) : toBytes(data, 'data'); range(offset, u8len(b));
      if (buffer !== null) { ReflectApply(TypedArraySet, new Uint8ArrayCtor(buffer, offset, u8len(b)), [b]); return; }
      const v = viewArgs(b);
      call(TO_HOST_REGION_WRITE, slot, offset, v[0], v[1], v[2]);
    },
    attenuate(r) { live(); const m = rightsMask(r); return stubFor(decodeCapabilityRecords(call(TO_HOST_ATTENUATE, slot, m))[0], name + '#' + m); },
  };
  return register(stub, slot, {
    kind: KIND_REGION, wake() {}, revoke() { revoked = true; detach(buffer); buffer = null; },
    prepare() { detach(buffer); },
    rebind(n) {
      if (n.kind !== KIND_REGION || n.size !== size) return false;
      const old = buffer; slot = n.slot; buffer = n.buffer === undefined ? null : n.buffer;
      if (old !== buffer) detach(old);
      return true;
    },
  }, name);
}
