// b8g prelude: host calls: the dispatcher slot, call(), and the host's errors as JS errors (CapabilityError).
// ---- errors ---------------------------------------------------------------------------------
// isCapabilityError: a brand check user code cannot fool or patch (instanceof reads the
// patchable Symbol.hasInstance).
let isCapabilityError = null;
class CapabilityError extends ErrorCtor {
  #brand = true;
  // Defined, not assigned: a setter user code put on Object.prototype under 'code' never runs.
  constructor(code, message) { super(message); ObjectDefineProperty(this, 'code', { __proto__: null, value: code, writable: true, enumerable: true, configurable: true }); }
  get name() { return 'CapabilityError'; }
  static { isCapabilityError = (v) => v !== null && typeof v === 'object' && #brand in v; }
}
ObjectDefineProperty(g, 'CapabilityError', { value: CapabilityError, writable: true, configurable: true });

// Host errors come back from the dispatcher as ERROR_MARK code ERROR_MARK message (Protocol.java).
const errorMarkCode = ReflectApply(StringCharCodeAt, ERROR_MARK, [0]);
function hostError(r) {
  const i = ReflectApply(StringIndexOf, r, [ERROR_MARK, 1]);
  const code = ReflectApply(StringSlice, r, [1, i]);
  const message = ReflectApply(StringSlice, r, [i + 1]);
  if (code === 'type') return new TypeErrorCtor(message);
  if (code === 'range' || code === 'channel.too_large') return new RangeErrorCtor(message);
  return new CapabilityError(code, message);
}

// ---- the dispatcher slot --------------------------------------------------------------------
let dispatch = null;
const call = (function call(op, a, b, c, d, e) {
  if (dispatch === null) throw new CapabilityError('capability.detached', 'the host is detached from this component (snapshot in progress)');
  const r = dispatch(op, a, b, c, d, e);
  if (typeof r === 'string' && r.length > 0 && ReflectApply(StringCharCodeAt, r, [0]) === errorMarkCode) throw hostError(r);
  return r;
});
