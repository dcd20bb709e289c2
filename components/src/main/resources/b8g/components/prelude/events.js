// b8g prelude: events: DOMException, Event, ErrorEvent, EventTarget (globalThis is one), AbortController, AbortSignal, reportError.
// WebIDL shapes: interface members are accessors and methods on the prototype, every global is
// writable, configurable and not enumerable, and each class names itself in Symbol.toStringTag.
// Internal state lives in private fields or in WeakMaps of this closure, never in properties.
const SymbolToStringTag = Symbol.toStringTag;
const ErrorCaptureStackTrace = typeof ErrorCtor.captureStackTrace === 'function' ? ErrorCtor.captureStackTrace : null;
const ErrorProto = ErrorCtor.prototype;
// One secret that only platform code can pass to a constructor WebIDL declares without one.
const INTERNAL = ObjectFreeze({ __proto__: null });

// Array helpers that create no array through a species (Array.prototype.slice and splice read
// `constructor`, which user code can patch) and set only indices the array already owns.
function copyList(a) { const out = []; for (let i = 0; i < a.length; i++) push(out, a[i]); return out; }
function removeAt(a, i) { for (let j = i + 1; j < a.length; j++) a[j - 1] = a[j]; a.length = a.length - 1; }
// A WebIDL sequence as a plain array: an Array by index (its iterator may be patched: the
// platform's own conversion does not depend on it), anything else through its iterator.
function sequence(v, what) {
  if (ArrayIsArray(v)) { const out = []; const n = v.length; for (let i = 0; i < n; i++) push(out, v[i]); return out; }
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) throw new TypeErrorCtor(what + ' is not iterable');
  const out = [];
  for (const x of v) push(out, x);
  return out;
}

function defineGlobal(name, value) {
  ObjectDefineProperty(g, name, { __proto__: null, value, writable: true, enumerable: false, configurable: true });
}
function toStringTag(cls, tag) {
  ObjectDefineProperty(cls.prototype, SymbolToStringTag, { __proto__: null, value: tag, writable: false, enumerable: false, configurable: true });
}
function illegalInvocation(what) { return new TypeErrorCtor('Illegal invocation: ' + what + ' called on an object that is not one'); }

// ---- DOMException --------------------------------------------------------------------------------
// The legacy codes of WebIDL's error names table; every other name has code 0.
const DOM_CODES = ObjectFreeze({
  __proto__: null, IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
  NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InUseAttributeError: 10, InvalidStateError: 11,
  SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15, TypeMismatchError: 17,
  SecurityError: 18, NetworkError: 19, AbortError: 20, URLMismatchError: 21, QuotaExceededError: 22, TimeoutError: 23,
  InvalidNodeTypeError: 24, DataCloneError: 25,
});
const DOM_CONSTANTS = [
  'INDEX_SIZE_ERR', 'DOMSTRING_SIZE_ERR', 'HIERARCHY_REQUEST_ERR', 'WRONG_DOCUMENT_ERR', 'INVALID_CHARACTER_ERR',
  'NO_DATA_ALLOWED_ERR', 'NO_MODIFICATION_ALLOWED_ERR', 'NOT_FOUND_ERR', 'NOT_SUPPORTED_ERR', 'INUSE_ATTRIBUTE_ERR',
  'INVALID_STATE_ERR', 'SYNTAX_ERR', 'INVALID_MODIFICATION_ERR', 'NAMESPACE_ERR', 'INVALID_ACCESS_ERR', 'VALIDATION_ERR',
  'TYPE_MISMATCH_ERR', 'SECURITY_ERR', 'NETWORK_ERR', 'ABORT_ERR', 'URL_MISMATCH_ERR', 'QUOTA_EXCEEDED_ERR',
  'TIMEOUT_ERR', 'INVALID_NODE_TYPE_ERR', 'DATA_CLONE_ERR',
];
class DOMException {
  #name; #message;
  // new DOMException(message = '', name = 'Error') or (message, { name, cause }).
  constructor(message = '', options = 'Error') {
    let name = 'Error';
    let cause, hasCause = false;
    if (options !== null && typeof options === 'object') {
      const n = options.name;
      if (n !== undefined) name = StringCtor(n);
      if ('cause' in options) { hasCause = true; cause = options.cause; }
    } else if (options !== undefined) name = StringCtor(options);
    this.#message = StringCtor(message);
    this.#name = name;
    if (hasCause) ObjectDefineProperty(this, 'cause', { __proto__: null, value: cause, writable: true, enumerable: false, configurable: true });
    // A stack like any Error's, so a failed component says where.
    if (ErrorCaptureStackTrace !== null) ErrorCaptureStackTrace(this, DOMException);
  }
  get name() { if (!(#name in this)) throw illegalInvocation('DOMException.name'); return this.#name; }
  get message() { if (!(#message in this)) throw illegalInvocation('DOMException.message'); return this.#message; }
  get code() { if (!(#name in this)) throw illegalInvocation('DOMException.code'); const c = DOM_CODES[this.#name]; return c === undefined ? 0 : c; }
}
ObjectSetPrototypeOf(DOMException.prototype, ErrorProto);
toStringTag(DOMException, 'DOMException');
for (let i = 0; i < DOM_CONSTANTS.length; i++) {
  const d = { __proto__: null, value: i + 1, writable: false, enumerable: true, configurable: false };
  ObjectDefineProperty(DOMException, DOM_CONSTANTS[i], d);
  ObjectDefineProperty(DOMException.prototype, DOM_CONSTANTS[i], d);
}
function domException(name, message) { return new DOMException(message, name); }

// ---- Event ---------------------------------------------------------------------------------------
const NONE = 0, CAPTURING_PHASE = 1, AT_TARGET = 2, BUBBLING_PHASE = 3;
// isTrusted is [LegacyUnforgeable]: an own accessor of each event, always false (no event here
// comes from a user agent's own action).
const isTrustedGetter = ObjectFreeze({ get isTrusted() { return false; } });
const isTrustedDescriptor = ObjectGetOwnPropertyDescriptor(isTrustedGetter, 'isTrusted');
isTrustedDescriptor.__proto__ = null;
isTrustedDescriptor.configurable = false;
class Event {
  #type; #bubbles; #cancelable; #composed; #timeStamp;
  #target = null; #currentTarget = null; #phase = NONE;
  #canceled = false; #inPassive = false; #stop = false; #stopImmediate = false; #dispatching = false;
  constructor(type, init = undefined) {
    if (arguments.length === 0) throw new TypeErrorCtor("Failed to construct 'Event': 1 argument required, but only 0 present.");
    this.#type = StringCtor(type);
    const o = init === undefined || init === null ? null : init;
    if (o !== null && typeof o !== 'object' && typeof o !== 'function') throw new TypeErrorCtor("Failed to construct 'Event': the event init must be an object");
    this.#bubbles = o !== null && !!o.bubbles;
    this.#cancelable = o !== null && !!o.cancelable;
    this.#composed = o !== null && !!o.composed;
    this.#timeStamp = clockNow();
    ObjectDefineProperty(this, 'isTrusted', isTrustedDescriptor);
  }
  static #check(e, what) { if (!(#type in e)) throw illegalInvocation('Event.' + what); }
  get type() { Event.#check(this, 'type'); return this.#type; }
  get target() { Event.#check(this, 'target'); return this.#target; }
  get srcElement() { Event.#check(this, 'srcElement'); return this.#target; }
  get currentTarget() { Event.#check(this, 'currentTarget'); return this.#currentTarget; }
  composedPath() { Event.#check(this, 'composedPath'); return this.#currentTarget === null ? [] : [this.#currentTarget]; }
  get eventPhase() { Event.#check(this, 'eventPhase'); return this.#phase; }
  stopPropagation() { Event.#check(this, 'stopPropagation'); this.#stop = true; }
  get cancelBubble() { Event.#check(this, 'cancelBubble'); return this.#stop; }
  set cancelBubble(v) { Event.#check(this, 'cancelBubble'); if (v) this.#stop = true; }
  stopImmediatePropagation() { Event.#check(this, 'stopImmediatePropagation'); this.#stop = true; this.#stopImmediate = true; }
  get bubbles() { Event.#check(this, 'bubbles'); return this.#bubbles; }
  get cancelable() { Event.#check(this, 'cancelable'); return this.#cancelable; }
  get returnValue() { Event.#check(this, 'returnValue'); return !this.#canceled; }
  set returnValue(v) { Event.#check(this, 'returnValue'); if (!v && this.#cancelable && !this.#inPassive) this.#canceled = true; }
  preventDefault() { Event.#check(this, 'preventDefault'); if (this.#cancelable && !this.#inPassive) this.#canceled = true; }
  get defaultPrevented() { Event.#check(this, 'defaultPrevented'); return this.#canceled; }
  get composed() { Event.#check(this, 'composed'); return this.#composed; }
  get timeStamp() { Event.#check(this, 'timeStamp'); return this.#timeStamp; }
  initEvent(type, bubbles = false, cancelable = false) {
    Event.#check(this, 'initEvent');
    if (this.#dispatching) return;
    this.#type = StringCtor(type); this.#bubbles = !!bubbles; this.#cancelable = !!cancelable;
    this.#stop = false; this.#stopImmediate = false; this.#canceled = false; this.#target = null;
  }
  // What EventTarget's dispatch needs of an event, kept off the public surface.
  static isEvent(e) { return e !== null && typeof e === 'object' && #type in e; }
  static begin(e, target) {
    if (e.#dispatching) throw domException('InvalidStateError', "Failed to execute 'dispatchEvent' on 'EventTarget': The event is already being dispatched.");
    e.#dispatching = true; e.#target = target; e.#currentTarget = target; e.#phase = AT_TARGET;
  }
  static end(e) { e.#dispatching = false; e.#currentTarget = null; e.#phase = NONE; e.#stop = false; e.#stopImmediate = false; }
  static stoppedImmediately(e) { return e.#stopImmediate; }
  static typeOf(e) { return e.#type; }
  static canceled(e) { return e.#canceled; }
  static passive(e, on) { e.#inPassive = on; }
}
const eventIsEvent = Event.isEvent, eventBegin = Event.begin, eventEnd = Event.end;
const eventStoppedImmediately = Event.stoppedImmediately, eventPassive = Event.passive;
const eventType = Event.typeOf, eventCanceled = Event.canceled;
for (const k of ['isEvent', 'begin', 'end', 'stoppedImmediately', 'passive', 'typeOf', 'canceled']) delete Event[k];
for (const [k, v] of [['NONE', NONE], ['CAPTURING_PHASE', CAPTURING_PHASE], ['AT_TARGET', AT_TARGET], ['BUBBLING_PHASE', BUBBLING_PHASE]]) {
  const d = { __proto__: null, value: v, writable: false, enumerable: true, configurable: false };
  ObjectDefineProperty(Event, k, d);
  ObjectDefineProperty(Event.prototype, k, d);
}
toStringTag(Event, 'Event');

// The event reportError fires at globalThis (HTML's ErrorEvent, without a document's fields).
// Its fields are in a WeakMap, so the platform can make one through Event's constructor alone
// (makeErrorEvent): user code may re-parent the ErrorEvent class, and `super()` would call that.
const errorEvents = new WeakMapCtor();
function errorEventInit(e, init) {
  const o = init === undefined || init === null ? null : init;
  ReflectApply(WeakMapSet, errorEvents, [e, {
    __proto__: null,
    colno: o !== null && o.colno !== undefined ? o.colno >>> 0 : 0,
    error: o !== null ? o.error : undefined,
    filename: o !== null && o.filename !== undefined ? StringCtor(o.filename) : '',
    lineno: o !== null && o.lineno !== undefined ? o.lineno >>> 0 : 0,
    message: o !== null && o.message !== undefined ? StringCtor(o.message) : '',
  }]);
}
function errorEventField(e, name) {
  const d = e !== null && typeof e === 'object' ? ReflectApply(WeakMapGet, errorEvents, [e]) : undefined;
  if (d === undefined) throw illegalInvocation('ErrorEvent.' + name);
  return d[name];
}
class ErrorEvent extends Event {
  constructor(type, init = undefined) { super(type, init); errorEventInit(this, init); }
  get message() { return errorEventField(this, 'message'); }
  get filename() { return errorEventField(this, 'filename'); }
  get lineno() { return errorEventField(this, 'lineno'); }
  get colno() { return errorEventField(this, 'colno'); }
  get error() { return errorEventField(this, 'error'); }
}
function makeErrorEvent(type, init) {
  const e = ReflectConstruct(Event, [type, init], ErrorEvent);
  errorEventInit(e, init);
  return e;
}
toStringTag(ErrorEvent, 'ErrorEvent');

// ---- EventTarget ---------------------------------------------------------------------------------
// target -> Map(type -> [listener records]). A WeakMap rather than a private field, so globalThis
// (which no constructor made) can be a target too.
const listenersOf = new WeakMapCtor();
// The global's own map is held here, not in listenersOf: a context restored from a blob has a new
// global proxy with another identity hash, which a WeakMap entry made before would never find.
const globalListeners = new MapCtor();
function listenerMap(t, what) {
  const m = t === g ? globalListeners : ReflectApply(WeakMapGet, listenersOf, [t]);
  if (m === undefined) throw illegalInvocation('EventTarget.' + what);
  return m;
}
function flattenOptions(options) {
  if (options !== null && (typeof options === 'object' || typeof options === 'function')) return !!options.capture;
  return !!options;
}
function removeListener(list, rec) {
  rec.removed = true;
  for (let i = 0; i < list.length; i++) if (list[i] === rec) { removeAt(list, i); return; }
}
class EventTarget {
  constructor() { ReflectApply(WeakMapSet, listenersOf, [this, new MapCtor()]); }
  addEventListener(type, callback, options = undefined) {
    const m = listenerMap(this === undefined || this === null ? g : this, 'addEventListener');
    if (arguments.length < 2) throw new TypeErrorCtor("Failed to execute 'addEventListener' on 'EventTarget': 2 arguments required");
    type = StringCtor(type);
    let capture = false, once = false, passive = false, signal = null;
    if (options !== null && (typeof options === 'object' || typeof options === 'function')) {
      capture = !!options.capture; once = !!options.once; passive = !!options.passive;
      const s = options.signal;
      if (s !== undefined) {
        if (!isAbortSignal(s)) throw new TypeErrorCtor("Failed to execute 'addEventListener' on 'EventTarget': member signal is not of type AbortSignal.");
        signal = s;
      }
    } else capture = !!options;
    if (callback === null || callback === undefined) return;
    if (typeof callback !== 'function' && typeof callback !== 'object') throw new TypeErrorCtor("Failed to execute 'addEventListener' on 'EventTarget': The callback provided as parameter 2 is not an object.");
    if (signal !== null && signalAborted(signal)) return;
    let list = mapGet(m, type);
    if (list === undefined) { list = []; mapSet(m, type, list); }
    for (let i = 0; i < list.length; i++) if (list[i].callback === callback && list[i].capture === capture) return;
    const rec = { __proto__: null, callback, capture, once, passive, removed: false };
    push(list, rec);
    if (signal !== null) signalAddAlgorithm(signal, () => removeListener(list, rec));
  }
  removeEventListener(type, callback, options = undefined) {
    const m = listenerMap(this === undefined || this === null ? g : this, 'removeEventListener');
    const list = mapGet(m, StringCtor(type));
    if (list === undefined) return;
    const capture = flattenOptions(options);
    for (let i = 0; i < list.length; i++) if (list[i].callback === callback && list[i].capture === capture) { removeListener(list, list[i]); return; }
  }
  dispatchEvent(event) {
    const self = this === undefined || this === null ? g : this;
    const m = listenerMap(self, 'dispatchEvent');
    if (!eventIsEvent(event)) throw new TypeErrorCtor("Failed to execute 'dispatchEvent' on 'EventTarget': parameter 1 is not of type 'Event'.");
    eventBegin(event, self);
    try {
      // At the target, capturing listeners run first, then the others (DOM's dispatch).
      if (invokeListeners(self, m, event, true)) invokeListeners(self, m, event, false);
    } finally { eventEnd(event); }
    return !eventCanceled(event);
  }
}
toStringTag(EventTarget, 'EventTarget');
const EventTargetAdd = EventTarget.prototype.addEventListener;
const EventTargetDispatch = EventTarget.prototype.dispatchEvent;
// DOM's "inner invoke": a clone of the list at dispatch, in registration order; a listener
// removed meanwhile is skipped; an exception is reported (reportError) and dispatch goes on.
// False once stopImmediatePropagation was called.
function invokeListeners(self, m, event, capture) {
  const list = mapGet(m, eventType(event));
  if (list === undefined) return true;
  const snapshot = copyList(list);
  for (let i = 0; i < snapshot.length; i++) {
    const rec = snapshot[i];
    if (rec.removed || rec.capture !== capture) continue;
    if (rec.once) removeListener(list, rec);
    const cb = rec.callback;
    if (rec.passive) eventPassive(event, true);
    try {
      if (typeof cb === 'function') ReflectApply(cb, self, [event]);
      else {
        const handle = cb.handleEvent;
        if (typeof handle !== 'function') throw new TypeErrorCtor("The listener's handleEvent is not a function");
        ReflectApply(handle, cb, [event]);
      }
    } catch (e) {
      reportException(e);
    }
    if (rec.passive) eventPassive(event, false);
    if (eventStoppedImmediately(event)) return false;
  }
  return true;
}

// ---- globalThis is an EventTarget (as a worker's global scope is) ----------------------------------
// Its prototype chain gains EventTarget.prototype, so addEventListener('error', ...) on the
// global sees what reportError reports.
ObjectSetPrototypeOf(g, EventTarget.prototype);

// ---- reportError ---------------------------------------------------------------------------------
// HTML's "report an exception": a cancelable ErrorEvent 'error' at globalThis; unless a listener
// cancels it, the error is uncaught, and an uncaught error ends the component as failed
// ("uncaught TypeError: ... (at file:line:col)"), as an exception thrown by a timer callback does
// (Deno and Node do the same; workerd only logs). A component never dies silently of a callback.
let reporting = false;
function reportException(e) {
  let message = '';
  try { message = e instanceof ErrorCtor ? StringCtor(e.message) : StringCtor(e); } catch (x) { }
  let handled = false;
  // An error reported from inside an 'error' listener is uncaught (no recursion).
  if (!reporting) {
    reporting = true;
    try {
      const ev = makeErrorEvent('error', { __proto__: null, message, error: e, cancelable: true });
      handled = !ReflectApply(EventTargetDispatch, g, [ev]);
    } catch (x) { } finally { reporting = false; }
  }
  if (!handled) uncaught(e);
}
function uncaught(e) {
  const why = 'uncaught ' + reason(e);
  try { console.error(why); } catch (x) { }
  settle(1, why);
}
function reportError(e) {
  if (arguments.length === 0) throw new TypeErrorCtor("Failed to execute 'reportError': 1 argument required, but only 0 present.");
  reportException(e);
}

// ---- AbortController and AbortSignal ---------------------------------------------------------------
// Per signal: reason, the algorithms to run on abort (removing listeners, following a source),
// the onabort handler, and for AbortSignal.any the sources it follows and the dependents (held
// weakly, as DOM says, so any() on a long-lived signal does not keep every result alive).
const signals = new WeakMapCtor();
function signalState(s, what) {
  const st = ReflectApply(WeakMapGet, signals, [s]);
  if (st === undefined) throw illegalInvocation('AbortSignal.' + what);
  return st;
}
function isAbortSignal(s) { return s !== null && typeof s === 'object' && ReflectApply(WeakMapGet, signals, [s]) !== undefined; }
function signalAborted(s) { return ReflectApply(WeakMapGet, signals, [s]).aborted; }
function signalAddAlgorithm(s, fn) { const st = ReflectApply(WeakMapGet, signals, [s]); if (!st.aborted) push(st.algorithms, fn); }
// Made without running a constructor: user code may re-parent the AbortSignal class, and
// `super()` would then call whatever it chose.
function newSignal() {
  const s = ObjectCreate(AbortSignalProto);
  ReflectApply(WeakMapSet, listenersOf, [s, new MapCtor()]);
  ReflectApply(WeakMapSet, signals, [s, { __proto__: null, aborted: false, reason: undefined, algorithms: [], dependents: [], sources: null, onabort: null, onabortListener: null }]);
  return s;
}
function abortSignal(s, reason) {
  const st = ReflectApply(WeakMapGet, signals, [s]);
  if (st.aborted) return;
  st.aborted = true;
  st.reason = reason === undefined ? domException('AbortError', 'signal is aborted without reason') : reason;
  const toAbort = [];
  for (let i = 0; i < st.dependents.length; i++) {
    const d = ReflectApply(WeakRefDeref, st.dependents[i], []);
    if (d === undefined) continue;
    const ds = ReflectApply(WeakMapGet, signals, [d]);
    if (ds.aborted) continue;
    ds.aborted = true; ds.reason = st.reason;
    push(toAbort, d);
  }
  st.dependents = [];
  runAbortSteps(s);
  for (let i = 0; i < toAbort.length; i++) runAbortSteps(toAbort[i]);
}
function runAbortSteps(s) {
  const st = ReflectApply(WeakMapGet, signals, [s]);
  const algorithms = st.algorithms;
  st.algorithms = [];
  for (let i = 0; i < algorithms.length; i++) {
    try { algorithms[i](); } catch (e) { reportException(e); }
  }
  ReflectApply(EventTargetDispatch, s, [new Event('abort')]);
}
class AbortSignal extends EventTarget {
  constructor() {
    throw new TypeErrorCtor('Illegal constructor: an AbortSignal comes from an AbortController or AbortSignal.abort/timeout/any');
  }
  get aborted() { return signalState(this, 'aborted').aborted; }
  get reason() { return signalState(this, 'reason').reason; }
  throwIfAborted() { const st = signalState(this, 'throwIfAborted'); if (st.aborted) throw st.reason; }
  get onabort() { return signalState(this, 'onabort').onabort; }
  set onabort(fn) {
    const st = signalState(this, 'onabort');
    st.onabort = typeof fn === 'function' || (fn !== null && typeof fn === 'object') ? fn : null;
    // An event handler is one listener, registered when first set (HTML's event handler).
    if (st.onabort !== null && st.onabortListener === null) {
      const self = this;
      st.onabortListener = function (e) { const h = st.onabort; if (typeof h === 'function') return ReflectApply(h, self, [e]); };
      ReflectApply(EventTargetAdd, this, ['abort', st.onabortListener]);
    }
  }
  static abort(reason = undefined) { const s = newSignal(); abortSignal(s, reason); return s; }
  static timeout(ms) {
    const n = NumberCtor(ms);
    if (!(n >= 0 && n <= 9007199254740991)) throw new TypeErrorCtor("Failed to execute 'timeout' on 'AbortSignal': Value is outside the 'unsigned long long' value range.");
    const s = newSignal();
    setTimeout(() => abortSignal(s, domException('TimeoutError', 'signal timed out')), MathTrunc(n));
    return s;
  }
  static any(list) {
    // sequence<AbortSignal>: read through the iterator protocol, as WebIDL converts sequences.
    const input = sequence(list, "Failed to execute 'any' on 'AbortSignal': the signals");
    for (let i = 0; i < input.length; i++) if (!isAbortSignal(input[i])) throw new TypeErrorCtor("Failed to execute 'any' on 'AbortSignal': element is not of type AbortSignal.");
    const result = newSignal();
    for (let i = 0; i < input.length; i++) {
      if (signalAborted(input[i])) { abortSignal(result, ReflectApply(WeakMapGet, signals, [input[i]]).reason); return result; }
    }
    const rs = ReflectApply(WeakMapGet, signals, [result]);
    rs.sources = [];
    const ref = new WeakRefCtor(result);
    for (let i = 0; i < input.length; i++) {
      const st = ReflectApply(WeakMapGet, signals, [input[i]]);
      // A dependent signal follows its sources, never another dependent.
      const sources = st.sources === null ? [input[i]] : st.sources;
      for (let j = 0; j < sources.length; j++) {
        const src = sources[j];
        let known = false;
        for (let k = 0; k < rs.sources.length; k++) if (rs.sources[k] === src) known = true;
        if (known) continue;
        push(rs.sources, src);
        const ss = ReflectApply(WeakMapGet, signals, [src]);
        // Drop dependents already collected before adding one.
        const live = [];
        for (let k = 0; k < ss.dependents.length; k++) if (ReflectApply(WeakRefDeref, ss.dependents[k], []) !== undefined) push(live, ss.dependents[k]);
        push(live, ref);
        ss.dependents = live;
      }
    }
    return result;
  }
}
toStringTag(AbortSignal, 'AbortSignal');
const AbortSignalProto = AbortSignal.prototype;
class AbortController {
  #signal = newSignal();
  get signal() { if (!(#signal in this)) throw illegalInvocation('AbortController.signal'); return this.#signal; }
  abort(reason = undefined) { if (!(#signal in this)) throw illegalInvocation('AbortController.abort'); abortSignal(this.#signal, reason); }
}
toStringTag(AbortController, 'AbortController');

defineGlobal('DOMException', DOMException);
defineGlobal('Event', Event);
defineGlobal('ErrorEvent', ErrorEvent);
defineGlobal('EventTarget', EventTarget);
defineGlobal('AbortController', AbortController);
defineGlobal('AbortSignal', AbortSignal);
defineGlobal('reportError', reportError);
