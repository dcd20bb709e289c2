// b8g prelude: console: formats values and writes them through the log capability (silent without one).
let logSlot = -1;
function show(v, depth) {
  if (typeof v === 'string') return depth === 0 ? v : JSONStringify(v);
  if (typeof v === 'bigint') return StringCtor(v) + 'n';
  if (typeof v === 'symbol' || typeof v === 'function') return StringCtor(v.toString());
  if (v === null || typeof v !== 'object') return StringCtor(v);
  if (v instanceof ErrorCtor) return StringCtor(v.stack || v);
  if (depth > 2) return ArrayIsArray(v) ? '[Array]' : '[Object]';
  try {
    if (ArrayIsArray(v)) { const parts = []; for (let i = 0; i < v.length && i < 100; i++) push(parts, show(v[i], depth + 1)); return '[ ' + ReflectApply(ArrayJoin, parts, [', ']) + ' ]'; }
    if (v instanceof Uint8ArrayCtor) return 'Uint8Array(' + u8len(v) + ')';
    const parts = []; const ks = ObjectKeys(v);
    for (let i = 0; i < ks.length && i < 100; i++) push(parts, ks[i] + ': ' + show(v[ks[i]], depth + 1));
    return '{ ' + ReflectApply(ArrayJoin, parts, [', ']) + ' }';
  } catch (e) { return '[object]'; }
}
function logger(level) {
  return function (...args) {
    if (logSlot < 0) return;
    const parts = [];
    for (let i = 0; i < args.length; i++) push(parts, show(args[i], 0));
    call(TO_HOST_LOG, logSlot, level, ReflectApply(ArrayJoin, parts, [' ']));
  };
}
const console = ObjectFreeze({ log: logger('info'), info: logger('info'), debug: logger('debug'), warn: logger('warn'), error: logger('error') });
ObjectDefineProperty(g, 'console', { value: console, writable: true, configurable: true });
