// b8g prelude: the host's entry point, __b8g(op, a, b, c): one table of handlers by TO_GUEST_* code.
// Functions every start runs are written `const f = (function f() {...});`, which V8 compiles
// eagerly into the startup blob instead of once per isolate (components/README.md).
// ---- starting main ------------------------------------------------------------------------------
let started = false;
const settle = (function settle(code, message) { try { call(TO_HOST_EXIT, code, message); } catch (e) { } });
const STACK_LINE = /\n\s*at (?:.*\()?([^()\n]+:\d+:\d+)\)?/;
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
// TO_GUEST_START: calls main(env) with the capabilities `encoded` describes; its outcome ends the component.
const start = (function start(encoded) {
  if (started) throw new TypeErrorCtor('already started');
  started = true;
  // A module graph's entry point exports main (modules.js); else the user script's top-level
  // `main` (a function declaration or a top-level let/const), looked up by name in the global
  // scope at this point, after the script ran.
  let entry = moduleMain();
  if (entry === undefined) entry = typeof main === 'function' ? main : undefined;
  if (entry === undefined) { settle(1, 'the script does not define a function main(env)'); return; }
  let p;
  try { p = entry(buildEnv(decodeCapabilityRecords(encoded))); } catch (e) { settle(1, reason(e)); return; }
  then(resolved(p), () => settle(0, ''), (e) => settle(1, reason(e)));
});

// ---- the table ----------------------------------------------------------------------------------
// Built once, before user code, with no prototype: an unknown code finds nothing.
const handlers = ObjectFreeze({
  __proto__: null,
  [TO_GUEST_ATTACH]: (function attach(fn) { lateGlobals(); dispatch = fn; }),
  [TO_GUEST_DETACH]: (function detach() { dispatch = null; }),
  [TO_GUEST_START]: start,
  [TO_GUEST_WAKE](slot) { const r = mapGet(records, slot); if (r !== undefined) r.wake(); },
  [TO_GUEST_REVOKE](slot) { const r = mapGet(records, slot); if (r !== undefined) { mapDelete(records, slot); r.revoke(); } },
  [TO_GUEST_TIMER]: fireTimer,
  [TO_GUEST_WATCH_EVENT]: watchEvent,
  [TO_GUEST_CHILD_EXIT]: childExit,
  [TO_GUEST_PREPARE]: prepareSnapshot,
  [TO_GUEST_RESTORE_BEGIN]: restoreBegin,
  [TO_GUEST_REBIND](encoded, bySlot) { return rebind(decodeCapabilityRecords(encoded)[0], bySlot === true); },
  [TO_GUEST_VALUES]: setValues,
  [TO_GUEST_RESUMED](restored) { resumed(restored === true); },
  [TO_GUEST_MEMORY]() { return committedWasm(); },
  [TO_GUEST_MODULE]: addModule,
  [TO_GUEST_REQUIRE]: requireEntry,
  [TO_GUEST_SNAPSHOT_DONE]: snapshotDone,
  [TO_GUEST_SETTLED]: hostRequestSettled,
  [TO_GUEST_SERVICE_BINDING]: serviceBinding,
});
const enter = (function enter(op, a, b, c) {
  newTurn(); // every host entry starts a new turn
  const handler = handlers[op];
  if (handler === undefined) throw new TypeErrorCtor('unknown host operation');
  return handler(a, b, c);
});
// The host takes this off the global object before user code runs (Component.bindEntry) and
// holds it privately; TO_GUEST_PREPARE puts it back for the moment of a snapshot, so a runtime
// restored from the blob can be bound again. No user code runs in between.
function expose() { ReflectDefineProperty(g, '__b8g', { __proto__: null, value: enter, writable: false, enumerable: false, configurable: true }); }
expose();
