package b8g.components;

import static org.junit.jupiter.api.Assertions.*;

import b8g.components.Component.ExitStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The WinterTC globals the prelude adds (events.js, web-misc.js, clone.js), checked against what
 * DOM, HTML and WebIDL state: each script logs what it saw and the lines are compared.
 */
class WebGlobalsTest extends ComponentFixture {
  private ExitStatus run(String name, String script) throws InterruptedException {
    Component c = start(new Component.Context().name(name).script(script, name + ".js"));
    ExitStatus s = c.awaitExit(Duration.ofSeconds(30));
    assertNotNull(s, "did not end");
    return s;
  }

  private List<String> lines(String name, String script) throws InterruptedException {
    ExitStatus s = run(name, script);
    assertTrue(s.success(), s + " " + log);
    return log.stream().map(l -> l.substring(name.length() + 1)).toList();
  }

  @Test
  void shouldBoot() throws Exception {
    assertEquals(List.of("object function function"), lines("boot", """
        function main() { console.log(typeof crypto, typeof structuredClone, typeof AbortController); }"""));
  }

  @Test
  void globalsAreDefinedAsWebIdlDoes() throws Exception {
    assertEquals(List.of("true", "ok", "[object AbortSignal] [object Event] [object EventTarget] [object DOMException] [object Performance] [object Navigator]",
        "b8g 1 true true"), lines("idl", """
        function main() {
          console.log(self === globalThis && globalThis instanceof EventTarget);
          const names = ['DOMException', 'Event', 'ErrorEvent', 'EventTarget', 'AbortController', 'AbortSignal', 'reportError',
            'structuredClone', 'queueMicrotask', 'atob', 'btoa', 'setInterval', 'clearInterval', 'performance', 'navigator',
            'self', 'crypto', 'Crypto', 'SubtleCrypto', 'CryptoKey'];
          const bad = [];
          for (const n of names) {
            const d = Object.getOwnPropertyDescriptor(globalThis, n);
            if (!d || !d.writable || d.enumerable || !d.configurable) bad.push(n);
          }
          console.log(bad.length === 0 ? 'ok' : 'bad: ' + bad.join(','));
          console.log(String(AbortSignal.abort()), String(new Event('x')), String(new EventTarget()), Object.prototype.toString.call(new DOMException()),
            String(performance), String(navigator));
          let illegal = false;
          try { new AbortSignal(); } catch (e) { illegal = e instanceof TypeError; }
          console.log(navigator.userAgent, navigator.hardwareConcurrency, illegal, !Object.keys(globalThis).includes('crypto'));
        }"""));
  }

  @Test
  void domExceptionHasNameCodeAndMessage() throws Exception {
    assertEquals(List.of("AbortError 20 stop true true", "Error 0 ", "Custom 0 m", "DataCloneError 25 25 25", "TimeoutError 23 c",
        "TypeError"), lines("dom", """
        function main() {
          const e = new DOMException('stop', 'AbortError');
          console.log(e.name, e.code, e.message, e instanceof Error, typeof e.stack === 'string' && e.stack.includes('dom.js'));
          const d = new DOMException();
          console.log(d.name, d.code, d.message);
          const c = new DOMException('m', 'Custom');
          console.log(c.name, c.code, c.message);
          console.log(new DOMException('', 'DataCloneError').name, new DOMException('', 'DataCloneError').code, DOMException.DATA_CLONE_ERR, DOMException.prototype.DATA_CLONE_ERR);
          const o = new DOMException('x', { name: 'TimeoutError', cause: 'c' });
          console.log(o.name, o.code, o.cause);
          try { Object.getOwnPropertyDescriptor(DOMException.prototype, 'name').get.call({}); } catch (x) { console.log(x.constructor.name); }
        }"""));
  }

  @Test
  void eventsDispatchInRegistrationOrderWithOnceCaptureAndStop() throws Exception {
    assertEquals(List.of(
        "capture a handle b",
        "second: a b",
        "stopped: capture a true",
        "cancel: false true false true",
        "signal: 1 0",
        "passive: false",
        "nested remove: a",
        "target: true true 2 0 null false"), lines("events", """
        function main() {
          const t = new EventTarget();
          const seen = [];
          t.addEventListener('x', () => seen.push('a'));
          t.addEventListener('x', { handleEvent(e) { seen.push('handle'); } }, { once: true });
          t.addEventListener('x', () => seen.push('b'));
          const cap = () => seen.push('capture');
          t.addEventListener('x', cap, true);
          t.addEventListener('x', cap, { capture: true }); // a duplicate: ignored
          t.dispatchEvent(new Event('x'));
          console.log(seen.join(' '));
          seen.length = 0;
          t.removeEventListener('x', cap, { capture: true });
          t.dispatchEvent(new Event('x'));
          console.log('second:', seen.join(' '));
          seen.length = 0;
          t.addEventListener('x', cap, true);
          t.addEventListener('x', (e) => { e.stopImmediatePropagation(); seen.push(e.cancelBubble); }, true);
          const u = new EventTarget();
          u.addEventListener('x', cap, true);
          u.addEventListener('x', () => seen.push('a'));
          u.addEventListener('x', (e) => { e.stopImmediatePropagation(); seen.push(e.cancelBubble); });
          u.addEventListener('x', () => seen.push('never'));
          u.dispatchEvent(new Event('x'));
          console.log('stopped:', seen.join(' '));

          const c = new EventTarget();
          c.addEventListener('y', (e) => e.preventDefault());
          const notCancelable = new Event('y');
          const r1 = c.dispatchEvent(notCancelable);
          const cancelable = new Event('y', { cancelable: true });
          const r2 = c.dispatchEvent(cancelable);
          console.log('cancel:', notCancelable.defaultPrevented, r1, r2, cancelable.defaultPrevented);

          const s = new EventTarget();
          const ac = new AbortController();
          let n = 0, m = 0;
          s.addEventListener('z', () => n++, { signal: ac.signal });
          s.dispatchEvent(new Event('z'));
          ac.abort();
          s.dispatchEvent(new Event('z'));
          s.addEventListener('z', () => m++, { signal: ac.signal }); // already aborted: never added
          s.dispatchEvent(new Event('z'));
          console.log('signal:', n, m);

          const p = new EventTarget();
          p.addEventListener('p', (e) => e.preventDefault(), { passive: true });
          const pe = new Event('p', { cancelable: true });
          p.dispatchEvent(pe);
          console.log('passive:', pe.defaultPrevented);

          const q = new EventTarget();
          const qs = [];
          const qb = () => qs.push('b');
          q.addEventListener('q', () => { qs.push('a'); q.removeEventListener('q', qb); });
          q.addEventListener('q', qb);
          q.dispatchEvent(new Event('q'));
          console.log('nested remove:', qs.join(' '));

          const ev = new Event('t');
          let inside;
          const tt = new EventTarget();
          tt.addEventListener('t', function (e) { inside = [e.target === tt, this === tt, e.eventPhase]; });
          tt.dispatchEvent(ev);
          console.log('target:', ...inside, ev.eventPhase, ev.currentTarget, ev.isTrusted);
        }"""));
  }

  @Test
  void listenerErrorsAreReportedAndUncaughtOnesEndTheComponent() throws Exception {
    assertEquals(List.of("handled: boom true", "after"), lines("handled", """
        function main() {
          addEventListener('error', (e) => { console.log('handled:', e.message, e.error instanceof RangeError); e.preventDefault(); });
          const t = new EventTarget();
          t.addEventListener('x', () => { throw new RangeError('boom'); });
          t.addEventListener('x', () => console.log('after'));
          t.dispatchEvent(new Event('x'));
        }"""));
    log.clear();
    ExitStatus s = run("uncaught", """
        async function main() {
          queueMicrotask(() => { throw new TypeError('in a microtask'); });
          await new Promise((r) => setTimeout(r, 50));
          console.log('never');
        }""");
    assertFalse(s.success(), s.toString());
    assertTrue(s.reason().startsWith("uncaught TypeError: in a microtask (at uncaught.js:2:"), s.reason());
    assertEquals(List.of("uncaught:" + s.reason()), log);
    log.clear();
    ExitStatus r = run("reported", "function main() { reportError(new Error('told')); }");
    assertTrue(r.reason().startsWith("uncaught Error: told"), r.reason());
  }

  @Test
  void abortSignalsCarryTheirReasons() throws Exception {
    assertEquals(List.of(
        "default: true AbortError 20 true",
        "custom: why true",
        "onabort: abort true 1",
        "timeout: TimeoutError 23 false",
        "any: second 2",
        "any aborted: first",
        "any of any: r true"), lines("abort", """
        async function main() {
          const a = new AbortController();
          a.abort();
          console.log('default:', a.signal.aborted, a.signal.reason.name, a.signal.reason.code, a.signal.reason instanceof DOMException);
          const s = AbortSignal.abort('why');
          let thrown; try { s.throwIfAborted(); } catch (e) { thrown = e; }
          console.log('custom:', s.reason, thrown === 'why');
          const b = new AbortController();
          let seen = [], count = 0;
          b.signal.onabort = (e) => { seen.push(e.type, e.target === b.signal); count++; };
          b.abort(); b.abort();
          console.log('onabort:', ...seen, count);
          const t = AbortSignal.timeout(10);
          const before = t.aborted;
          await new Promise((r) => t.addEventListener('abort', r));
          console.log('timeout:', t.reason.name, t.reason.code, before);
          const x = new AbortController(), y = new AbortController();
          const any = AbortSignal.any([x.signal, y.signal]);
          let fired = 0;
          any.addEventListener('abort', () => fired++);
          y.abort('second'); x.abort('first');
          any.addEventListener('abort', () => fired++);
          console.log('any:', any.reason, fired + (any.aborted ? 1 : 0));
          console.log('any aborted:', AbortSignal.any([AbortSignal.abort('first'), AbortSignal.abort('second')]).reason);
          const z = new AbortController();
          const inner = AbortSignal.any([z.signal]);
          const outer = AbortSignal.any([inner]);
          z.abort('r');
          console.log('any of any:', outer.reason, inner.aborted);
        }"""));
  }

  @Test
  void structuredCloneCopiesWhatHtmlSerializes() throws Exception {
    assertEquals(List.of(
        "cycle: true true true false",
        "map: true 1 true set: true",
        "views: true true 2 7 7 8",
        "buffer: 4 0",
        "error: RangeError bad true inner true Error",
        "array: 5 false true x 3",
        "object: 1 1 false undefined",
        "wrappers: object 5 object 7 object s true 3n",
        "regexp: g 0 abc true",
        "resizable: 8 16 true",
        "DataCloneError 25 function",
        "DataCloneError symbol",
        "DataCloneError WeakMap",
        "DataCloneError WeakRef",
        "DataCloneError Promise",
        "DataCloneError AbortSignal",
        "DataCloneError transfer",
        "TypeError"), lines("clone", """
        function main() {
          const a = { name: 'a' }; a.self = a; const shared = { s: 1 }; a.x = shared; a.y = shared;
          const ca = structuredClone(a);
          console.log('cycle:', ca.self === ca, ca.x === ca.y, ca.x !== shared, ca === a);
          const key = { k: 1 };
          const m = new Map([[key, 'v'], ['k', key]]);
          const cm = structuredClone(m);
          const [[k0, v0], [k1, v1]] = [...cm];
          const cs = structuredClone(new Set([key, key, 'z']));
          console.log('map:', cm instanceof Map, k0.k, v1 === k0, 'set:', cs.size === 2);
          const buf = new ArrayBuffer(8);
          const u8 = new Uint8Array(buf); u8[1] = 7;
          const u16 = new Uint16Array(buf, 2, 2);
          const dv = new DataView(buf);
          const [c8, c16, cdv] = structuredClone([u8, u16, dv]);
          console.log('views:', c8.buffer === c16.buffer, c16.buffer === cdv.buffer, c16.length, c8[1], cdv.getUint8(1), c8.buffer.byteLength);
          const b2 = structuredClone(new ArrayBuffer(4));
          console.log('buffer:', b2.byteLength, new Uint8Array(b2)[0]);
          const err = new RangeError('bad', { cause: new Error('inner') });
          const ce = structuredClone(err);
          console.log('error:', ce.name, ce.message, ce instanceof RangeError, ce.cause.message, ce.stack === err.stack,
            (() => { const e = new Error('x'); e.name = 'Custom'; return structuredClone(e).name; })());
          const arr = [1, , 3]; arr.x = 'x'; arr.length = 5;
          const carr = structuredClone(arr);
          console.log('array:', carr.length, 1 in carr, Array.isArray(carr), carr.x, carr[2]);
          let calls = 0;
          class K { #p = 1; constructor() { this.own = 1; } }
          const obj = { get g() { calls++; return 1; }, [Symbol('s')]: 1 };
          Object.defineProperty(obj, 'hidden', { value: 1, enumerable: false });
          const co = structuredClone(obj);
          console.log('object:', co.g, calls, structuredClone(new K()) instanceof K, co.hidden);
          const w = structuredClone([new Number(5), new String('s'), new Boolean(true), Object(3n), 7]);
          console.log('wrappers:', typeof w[0], +w[0], typeof w[1], w[4], typeof w[2], String(w[1]), w[2].valueOf(), String(w[3].valueOf()) + 'n');
          const re = /abc/g; re.lastIndex = 2;
          const cre = structuredClone(re);
          console.log('regexp:', cre.flags, cre.lastIndex, cre.source, cre.test('xabc'));
          const rb = new ArrayBuffer(8, { maxByteLength: 16 });
          const crb = structuredClone(rb);
          console.log('resizable:', crb.byteLength, crb.maxByteLength, crb.resizable);
          const fail = (v, what, opts) => { try { structuredClone(v, opts); console.log('cloned', what); } catch (e) { console.log(e.name, ...(what === 'function' ? [e.code] : []), what); } };
          fail({ f() {} }, 'function');
          fail(Symbol('s'), 'symbol');
          fail(new WeakMap(), 'WeakMap');
          fail(new WeakRef({}), 'WeakRef');
          fail(Promise.resolve(1), 'Promise');
          fail(new AbortController().signal, 'AbortSignal');
          fail(new ArrayBuffer(1), 'transfer', { transfer: [new ArrayBuffer(1)] });
          try { structuredClone(); } catch (e) { console.log(e.constructor.name); }
        }"""));
  }

  @Test
  void base64FollowsForgivingBase64() throws Exception {
    assertEquals(List.of(
        "aGVsbG8= aGk= YQ== [] w7/Dvw==",
        "hello hi a",
        "a ab abc",
        "ws: hello",
        "ÿ 255",
        "btoa: InvalidCharacterError 5 atob: InvalidCharacterError InvalidCharacterError InvalidCharacterError InvalidCharacterError InvalidCharacterError",
        "null-ish: bnVsbA== ée",
        "TypeError"), lines("b64", """
        function main() {
          console.log(btoa('hello'), btoa('hi'), btoa('a'), '[' + btoa('') + ']', btoa('\\u00c3\\u00bf\\u00c3\\u00bf'));
          console.log(atob('aGVsbG8='), atob('aGk='), atob('YQ=='));
          console.log(atob('YQ'), atob('YWI'), atob('YWJj'));
          console.log('ws:', atob(' aGVs\\nbG8\\t=\\f\\r'));
          const x = atob('/w=='); console.log(x, x.charCodeAt(0));
          const names = [];
          for (const bad of ['a', 'YQ===', 'YQ=a', 'aGk*', '\\u00e9QQ==']) { try { atob(bad); names.push('decoded ' + bad); } catch (e) { names.push(e.name); } }
          try { btoa('\\u0100'); } catch (e) { console.log('btoa:', e.name, e.code, 'atob:', ...names); }
          console.log('null-ish:', btoa(null), atob(btoa('\\u00e9e')) === '\\u00e9e' ? 'ée' : 'no');
          try { atob(); } catch (e) { console.log(e.constructor.name); }
        }"""));
  }

  @Test
  void intervalsRepeatUntilClearedAndShareTheTimerTable() throws Exception {
    assertEquals(List.of("interval: 1 2 3 4 5 6 7 then cleared", "cross: false false", "monotonic: true true true true"), lines("interval", """
        async function main() {
          const ticks = [];
          await new Promise((done) => {
            const id = setInterval((a) => { ticks.push(ticks.length + a); if (ticks.length === 7) { clearInterval(id); setTimeout(done, 30); } }, 1, 1);
          });
          console.log('interval:', ...ticks, 'then cleared');
          let t = false, i = false;
          const a = setTimeout(() => { t = true; }, 5); clearInterval(a);
          const b = setInterval(() => { i = true; }, 5); clearTimeout(b);
          await new Promise((r) => setTimeout(r, 30));
          console.log('cross:', t, i);
          const t0 = performance.now();
          const origin = performance.timeOrigin;
          await new Promise((r) => setTimeout(r, 20));
          const t1 = performance.now();
          console.log('monotonic:', t1 - t0 >= 15, Math.abs(origin - Date.now()) < 60000, t1 < 60000, Math.round(t1 * 10) === t1 * 10 || Math.abs(Math.round(t1 * 10) - t1 * 10) < 1e-6);
        }"""));
  }

  @Test
  void queueMicrotaskRunsBeforeTimersInOrder() throws Exception {
    assertEquals(List.of("sync 1 2 promise timer"), lines("micro", """
        async function main() {
          const seen = [];
          setTimeout(() => seen.push('timer'), 0);
          queueMicrotask(() => seen.push(1));
          Promise.resolve().then(() => seen.push(2)).then(() => seen.push('promise'));
          seen.push('sync');
          await new Promise((r) => setTimeout(r, 20));
          console.log(seen.join(' '));
        }"""));
  }

  /** User code first breaks every built-in the platform could lean on; every new global still works. */
  @Test
  void everyNewGlobalWorksAfterUserCodePatchesBuiltins() throws Exception {
    assertEquals(List.of(
        "abort: true AbortError true timeout: TimeoutError any: b",
        "events: 1 0 true",
        "clone: true true 3 7 true RangeError true true",
        "micro: true base64: aGk= hi interval: 3",
        "random: 16 true 36 digest: ba7816bf hmac: true",
        "reported: boom",
        "DataCloneError"), lines("hostile", """
        const apply = Reflect.apply;
        const add = EventTarget.prototype.addEventListener, dispatch = EventTarget.prototype.dispatchEvent;
        const mapSet = Map.prototype.set, mapGet = Map.prototype.get, setAdd = Set.prototype.add, setHas = Set.prototype.has;
        const thrower = (what) => function () { throw new Error('patched ' + what); };
        for (const [o, names] of [[Array.prototype, ['push', 'pop', 'shift', 'slice', 'splice', 'map', 'forEach', 'join', 'includes', 'indexOf']],
          [Map.prototype, ['get', 'set', 'has', 'delete', 'entries']], [Set.prototype, ['add', 'has', 'values']],
          [WeakMap.prototype, ['get', 'set', 'has']], [WeakRef.prototype, ['deref']], [Promise.prototype, ['then', 'catch', 'finally']],
          [Function.prototype, ['call', 'apply', 'bind']], [Uint8Array.prototype, ['set', 'subarray']],
          [Object.getPrototypeOf(Uint8Array.prototype), ['set', 'subarray', 'slice']], [String.prototype, ['charCodeAt', 'slice', 'indexOf', 'toLowerCase']],
          [EventTarget.prototype, ['addEventListener', 'removeEventListener', 'dispatchEvent']], [Object, ['keys', 'freeze', 'hasOwn', 'create']],
          [String, ['fromCharCode']], [Error, ['captureStackTrace']], [Promise, ['resolve', 'reject']]]) {
          for (let i = 0; i < names.length; i++) o[names[i]] = thrower(names[i]);
        }
        for (const name of ['callback', 'capture', 'once', 'passive', 'removed', 'aborted', 'reason', 'algorithms', 'dependents', 'sources',
            'onabort', 'run', 'due', 'message', 'stack', 'cause', 'error', 'hash', 'type', 'maxByteLength', '0', '1', '2']) {
          Object.defineProperty(Object.prototype, name, { set() { throw new Error('setter ' + name); }, configurable: true });
        }
        for (const name of ['buffer', 'byteOffset', 'byteLength', 'length'])
          Object.defineProperty(Object.getPrototypeOf(Uint8Array.prototype), name, { get() { throw new Error('getter ' + name); }, configurable: true });
        Array.prototype[Symbol.iterator] = thrower('iterator');
        Object.defineProperty(Array.prototype, 'constructor', { get() { throw new Error('species'); }, configurable: true });
        Object.setPrototypeOf(AbortSignal, function () { throw new Error('re-parented'); });
        Object.setPrototypeOf(ErrorEvent, function () { throw new Error('re-parented'); });
        Object.defineProperty = thrower('defineProperty');
        Reflect.apply = thrower('Reflect.apply'); Reflect.defineProperty = thrower('Reflect.defineProperty');
        const hex = (buf) => { const u = new Uint8Array(buf); let s = ''; for (let i = 0; u[i] !== undefined; i++) s += (u[i] < 16 ? '0' : '') + u[i].toString(16); return s; };
        async function main() {
          const ac = new AbortController();
          let onabort = false;
          ac.signal.onabort = () => { onabort = true; };
          const a = new AbortController(), b = new AbortController();
          const any = AbortSignal.any([a.signal, b.signal]);
          ac.abort(); b.abort('b');
          const t = AbortSignal.timeout(1);
          await new Promise((r) => setTimeout(r, 30));
          console.log('abort:', ac.signal.aborted, ac.signal.reason.name, onabort, 'timeout:', t.reason.name, 'any:', any.reason);

          const target = new EventTarget();
          let once = 0, removed = 0;
          const gone = () => { removed++; };
          apply(add, target, ['e', () => { once++; }, { once: true }]);
          apply(add, target, ['e', gone, { signal: AbortSignal.abort() }]);
          const ev = new Event('e', { cancelable: true });
          apply(dispatch, target, [ev]); apply(dispatch, target, [new Event('e')]);
          console.log('events:', once, removed, ev.eventPhase === 0);

          const shared = new ArrayBuffer(8);
          const src = { m: new Map(), s: new Set(), u: new Uint8Array(shared), d: new DataView(shared, 2), e: new RangeError('r'), list: [1, 2, 3] };
          src.self = src; apply(mapSet, src.m, ['k', src.u]); apply(setAdd, src.s, [src.e]); src.u[3] = 7;
          const c = structuredClone(src);
          console.log('clone:', c.self === c, apply(mapGet, c.m, ['k']) === c.u, c.list.length, c.d.getUint8(1), (c.u[2] = 9, c.d.getUint8(0) === 9), c.e.name,
            apply(setHas, c.s, [c.e]), c !== src);

          const micro = await new Promise((r) => queueMicrotask(() => r(true)));
          let ticks = 0;
          await new Promise((r) => { const id = setInterval(() => { if (++ticks === 3) { clearInterval(id); r(); } }, 1); });
          console.log('micro:', micro, 'base64:', btoa('hi'), atob('aGk='), 'interval:', ticks);

          const r16 = crypto.getRandomValues(new Uint8Array(16));
          const digest = hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('abc')));
          const key = await crypto.subtle.importKey('raw', new Uint8Array(20), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
          const sig = await crypto.subtle.sign('HMAC', key, new Uint8Array(3));
          const ok = await crypto.subtle.verify('HMAC', key, sig, new Uint8Array(3));
          console.log('random:', hex(r16).length / 2, performance.now() >= 0, crypto.randomUUID().length, 'digest:', digest.substring(0, 8), 'hmac:', ok);

          apply(add, globalThis, ['error', (e) => { console.log('reported:', e.message); e.preventDefault(); }]);
          reportError(new Error('boom'));
          try { structuredClone(() => 1); } catch (e) { console.log(e.name); }
        }"""));
  }

  /** Clones are ordinary ArrayBuffers: a component keeping them meets its off-heap budget, and a resizable one its reservation. */
  @Test
  void clonesCountAgainstTheOffHeapBudget() throws Exception {
    Component keeper = start(new Component.Context().name("cloner").heapBytes(16L << 20).script("""
        async function main() {
          const resizable = new ArrayBuffer(0, { maxByteLength: 12 << 20 });
          try { structuredClone(resizable); console.log('cloned past the budget'); } catch (e) { console.log(e.constructor.name); }
          const one = new Uint8Array(1 << 20).fill(1);
          const keep = [];
          for (;;) { keep.push(structuredClone(one)); await new Promise((r) => setTimeout(r, 0)); }
        }""", "cloner.js"));
    ExitStatus s = keeper.awaitExit(Duration.ofSeconds(60));
    assertNotNull(s);
    assertEquals(Component.Outcome.TERMINATED, s.outcome(), s.toString());
    assertTrue(s.reason().startsWith("off-heap budget of 16 MiB exceeded: "), s.reason());
    assertEquals("cloner:RangeError", log.get(0));
  }

  @Test
  void intervalsShareTheLimitOfPendingTimers() throws Exception {
    assertEquals(List.of("RangeError too many pending timers (10000); clear some first", "after clearing: true"), lines("limit", """
        function main() {
          const ids = [];
          for (let i = 0; i < 5000; i++) ids.push(setTimeout(() => {}, 100000));
          for (let i = 0; i < 5000; i++) ids.push(setInterval(() => {}, 100000));
          try { setInterval(() => {}, 1); } catch (e) { console.log(e.constructor.name, e.message); }
          for (const id of ids) clearInterval(id);
          console.log('after clearing:', typeof setInterval(() => {}, 100000) === 'number');
        }"""));
  }
}
