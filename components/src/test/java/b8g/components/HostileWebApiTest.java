package b8g.components;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.components.Component.ExitStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * URL, URLSearchParams, streams, text streams, Blob and compression keep working when user code
 * has first patched the built-ins they could have used: Array.prototype methods and index
 * setters, setters on Object.prototype under the names of the platform's internal records,
 * Promise.prototype.then, Function.prototype.call/apply, Reflect.apply, String and typed array
 * methods, Map and WeakMap methods.
 */
class HostileWebApiTest extends ComponentFixture {
  @Test
  void shouldKeepWebApisWorkingWhenUserCodePatchesBuiltins() throws Exception {
    Component c = start(new Component.Context().name("hostile").script("""
        let undo = null; // a list of its own: Array.prototype is patched below
        function later(fn) { undo = { fn, next: undo }; }
        function patch(obj, name, value) {
          // Descriptors without a prototype: the traps below would make every descriptor have 'value'.
          const d = Object.getOwnPropertyDescriptor(obj, name);
          if (d) Object.setPrototypeOf(d, null);
          later(() => { if (d) Object.defineProperty(obj, name, d); else delete obj[name]; });
          Object.defineProperty(obj, name, { __proto__: null, value, writable: true, configurable: true });
        }
        function trap(obj, name) {
          // Descriptors without a prototype: the traps below would make every descriptor have 'value'.
          const d = Object.getOwnPropertyDescriptor(obj, name);
          if (d) Object.setPrototypeOf(d, null);
          later(() => { if (d) Object.defineProperty(obj, name, d); else delete obj[name]; });
          Object.defineProperty(obj, name, { __proto__: null, set() { throw new Error('setter ' + String(name) + ' ran'); }, configurable: true });
        }
        const boom = (what) => function () { throw new Error('patched ' + what + ' ran'); };
        const log = console.log;
        async function main(env) {
          for (const m of ['push', 'pop', 'shift', 'unshift', 'splice', 'slice', 'join', 'indexOf', 'map', 'forEach', 'concat', 'sort', 'reverse']) patch(Array.prototype, m, boom('Array.prototype.' + m));
          for (const i of ['0', '1', '2', '3', 'length']) if (i !== 'length') trap(Array.prototype, i);
          for (const n of ['value', 'done', 'state', 'queue', 'pub', 'reader', 'closed', 'resolve', 'reject', 'promise', 'settled', 'list',
            'url', 'query', 'path', 'host', 'scheme', 'port', 'fragment', 'username', 'password', 'opaque', 'chunk', 'close', 'error',
            'bytes', 'type', 'size', 'stream', 'controller', 'writer', 'backpressure', 'storedError', 'finish', 'ongoing', 'kind', 'i', 'st', 'd'])
            trap(Object.prototype, n);
          patch(Promise.prototype, 'then', boom('Promise.prototype.then'));
          patch(Function.prototype, 'call', boom('Function.prototype.call'));
          patch(Function.prototype, 'apply', boom('Function.prototype.apply'));
          patch(Reflect, 'apply', boom('Reflect.apply'));
          for (const m of ['slice', 'toLowerCase', 'indexOf', 'charCodeAt', 'codePointAt', 'split', 'replace']) patch(String.prototype, m, boom('String.prototype.' + m));
          const TA = Object.getPrototypeOf(Uint8Array.prototype);
          for (const m of ['set', 'subarray', 'slice']) patch(TA, m, boom('TypedArray.prototype.' + m));
          patch(Uint8Array.prototype, 'constructor', boom('Uint8Array.prototype.constructor'));
          for (const m of ['get', 'set', 'has', 'delete']) { patch(Map.prototype, m, boom('Map.prototype.' + m)); patch(WeakMap.prototype, m, boom('WeakMap.prototype.' + m)); }
          patch(JSON, 'stringify', boom('JSON.stringify'));

          let out = '';
          const u = new URL('../x/./y?b=2&a=1#f', 'HTTP://User@Bücher.Example:80/p/q');
          u.searchParams.sort();
          u.searchParams.append('c', 'd e');
          out += u.href + ' ' + u.origin + ' ' + URL.canParse('nope') + ' ' + new URL('http://[::ffff:1.2.3.4]/').host + '|';
          const p = new URLSearchParams('z=1&y=2');
          p.set('z', '3'); out += p.toString() + ' ' + p.get('y') + ' ' + p.size + '|';

          const rs = ReadableStream.from(['a', 'b', 'c']);
          const got = { s: '' };
          await rs.pipeThrough(new TransformStream({ transform(ch, k) { k.enqueue(ch + ch); } }))
            .pipeTo(new WritableStream({ write(ch) { got.s += ch; } }));
          out += got.s + '|';
          const [t1, t2] = new ReadableStream({ start(k) { k.enqueue(1); k.close(); } }).tee();
          const r1 = await t1.getReader().read(), r2 = await t2.getReader().read();
          out += r1.value + r2.value + '|';
          let text = '';
          for await (const s of ReadableStream.from(['é', '😀']).pipeThrough(new TextEncoderStream()).pipeThrough(new TextDecoderStream())) text += s;
          out += text + '|';
          const b = new Blob(['hello ', new Uint8Array([119, 111]), 'rld']);
          out += (await b.slice(-5, -1).text()) + ' ' + b.size + '|';
          const zs = new CompressionStream('gzip');
          const zw = zs.writable.getWriter();
          zw.write(new TextEncoder().encode('zip me')); zw.close();
          const ds = zs.readable.pipeThrough(new DecompressionStream('gzip')).pipeThrough(new TextDecoderStream());
          for await (const s of ds) out += s;

          for (; undo !== null; undo = undo.next) undo.fn();
          log(out);
        }""", "hostile.js"));
    ExitStatus s = c.awaitExit(Duration.ofSeconds(60));
    assertNotNull(s);
    assertTrue(s.success(), s + " " + log);
    assertEquals(List.of("hostile:http://User@xn--bcher-kva.example/x/y?a=1&b=2&c=d+e#f http://xn--bcher-kva.example false [::ffff:102:304]|"
        + "z=3&y=2 2 2|aabbcc|2|é😀|worl 11|zip me"), log);
  }
}
