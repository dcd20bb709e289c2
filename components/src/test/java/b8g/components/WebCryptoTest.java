package b8g.components;

import static org.junit.jupiter.api.Assertions.*;

import b8g.capabilities.Capability;
import b8g.capabilities.Capability.Kind;
import b8g.capabilities.Right;
import b8g.components.Component.EnvEntry;
import b8g.components.Component.ExitStatus;
import b8g.memory.Ring;
import b8g.memory.RingDescriptor;
import b8g.memory.RingWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * crypto.getRandomValues, randomUUID and crypto.subtle (digest, HMAC) in a component, against the
 * vectors of FIPS 180-4 and RFC 4231 / RFC 2202, and across a snapshot and restore.
 */
class WebCryptoTest extends ComponentFixture {
  private static final Duration T = Duration.ofSeconds(20);

  private List<String> lines(String name, String script) throws InterruptedException {
    Component c = start(new Component.Context().name(name).script(script, name + ".js"));
    ExitStatus s = c.awaitExit(Duration.ofSeconds(30));
    assertNotNull(s, "did not end");
    assertTrue(s.success(), s + " " + log);
    return log.stream().map(l -> l.substring(name.length() + 1)).toList();
  }

  private static final String HEX = "const hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');\n";

  @Test
  void digestsMatchFips180Vectors() throws Exception {
    assertEquals(List.of(
        "a9993e364706816aba3e25717850c26c9cd0d89d",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 true",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "NotSupportedError TypeError true"), lines("digest", HEX + """
        async function main() {
          const abc = new TextEncoder().encode('abc');
          for (const alg of ['SHA-1', 'sha-256', { name: 'SHA-384' }, 'SHA-512']) console.log(hex(await crypto.subtle.digest(alg, abc)));
          const empty = await crypto.subtle.digest('SHA-256', new ArrayBuffer(0));
          console.log(hex(empty), empty instanceof ArrayBuffer);
          // A view into the middle of a buffer: only its bytes.
          const big = new Uint8Array([0, 0x61, 0x62, 0x63, 0]);
          console.log(hex(await crypto.subtle.digest('SHA-256', new DataView(big.buffer, 1, 3))));
          const p = crypto.subtle.digest('MD5', abc);
          const names = [];
          await p.catch((e) => names.push(e.name));
          await crypto.subtle.digest('SHA-256', 'abc').catch((e) => names.push(e.constructor.name));
          console.log(...names, p instanceof Promise);
        }"""));
  }

  @Test
  void hmacMatchesRfc4231AndRfc2202() throws Exception {
    assertEquals(List.of(
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
        "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        "b617318655057264e28bc0b6fb378c8ef146be00",
        "verify: true false false",
        "key: secret false HMAC SHA-256 160 sign,verify [object CryptoKey] 0",
        "export: 0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b InvalidAccessError",
        "generated: 512 1024 64 true true",
        "errors: SyntaxError SyntaxError DataError DataError NotSupportedError InvalidAccessError NotSupportedError TypeError NotSupportedError"),
        lines("hmac", HEX + """
        async function main() {
          const te = new TextEncoder();
          const key = (bytes, hash, usages = ['sign', 'verify'], extractable = false) =>
            crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash }, extractable, usages);
          const k1 = new Uint8Array(20).fill(0x0b);
          for (const h of ['SHA-256', 'SHA-384', 'SHA-512'])
            console.log(hex(await crypto.subtle.sign('HMAC', await key(k1, h), te.encode('Hi There'))));
          console.log(hex(await crypto.subtle.sign({ name: 'HMAC' }, await key(te.encode('Jefe'), { name: 'SHA-256' }), te.encode('what do ya want for nothing?'))));
          console.log(hex(await crypto.subtle.sign('HMAC', await key(new Uint8Array(131).fill(0xaa), 'SHA-256'),
            te.encode('Test Using Larger Than Block-Size Key - Hash Key First'))));
          console.log(hex(await crypto.subtle.sign('HMAC', await key(k1, 'SHA-1'), te.encode('Hi There'))));
          const k = await key(k1, 'SHA-256', ['verify', 'sign', 'sign'], true);
          const sig = await crypto.subtle.sign('HMAC', k, te.encode('Hi There'));
          const tampered = new Uint8Array(sig.slice(0)); tampered[31] ^= 1;
          console.log('verify:', await crypto.subtle.verify('HMAC', k, sig, te.encode('Hi There')),
            await crypto.subtle.verify('HMAC', k, tampered, te.encode('Hi There')),
            await crypto.subtle.verify('HMAC', k, sig.slice(0, 16), te.encode('Hi There')));
          const plain = await key(k1, 'SHA-256');
          console.log('key:', plain.type, plain.extractable, plain.algorithm.name, plain.algorithm.hash.name, plain.algorithm.length,
            k.usages.join(','), String(plain), Reflect.ownKeys(plain).length);
          const fail = (p) => p.then(() => 'resolved', (e) => e.name);
          console.log('export:', hex(await crypto.subtle.exportKey('raw', k)), await fail(crypto.subtle.exportKey('raw', plain)));
          const g1 = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
          const g2 = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-512' }, true, ['sign']);
          const g3 = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256', length: 64 }, true, ['sign', 'verify']);
          const raw1 = await crypto.subtle.exportKey('raw', g1);
          console.log('generated:', g1.algorithm.length, g2.algorithm.length, g3.algorithm.length, raw1.byteLength === 64,
            hex(raw1) !== hex(await crypto.subtle.exportKey('raw', await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true, ['sign']))));
          const signOnly = await key(k1, 'SHA-256', ['sign']);
          console.log('errors:',
            await fail(key(k1, 'SHA-256', [])),
            await fail(key(k1, 'SHA-256', ['encrypt'])),
            await fail(key(new Uint8Array(0), 'SHA-256')),
            await fail(crypto.subtle.importKey('raw', k1, { name: 'HMAC', hash: 'SHA-256', length: 100 }, false, ['sign'])),
            await fail(crypto.subtle.importKey('jwk', k1, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])),
            await fail(crypto.subtle.verify('HMAC', signOnly, sig, te.encode('x'))),
            await fail(crypto.subtle.sign('RSASSA-PKCS1-v1_5', k, te.encode('x'))),
            await fail(crypto.subtle.sign('HMAC', { type: 'secret' }, te.encode('x'))),
            await fail(crypto.subtle.encrypt({ name: 'AES-GCM' }, k, te.encode('x'))));
        }"""));
  }

  @Test
  void getRandomValuesFillsIntegerArraysWithinItsLimit() throws Exception {
    assertEquals(List.of(
        "same: true true",
        "filled: true true true",
        "TypeMismatchError 17 TypeMismatchError 17 TypeMismatchError 17 TypeError",
        "QuotaExceededError 22 65536 ok",
        "uuid: true 36 true",
        "uuid-style: true 16",
        "TypeError"), lines("random", """
        function main() {
          const a = new Uint32Array(8);
          console.log('same:', crypto.getRandomValues(a) === a, new Set(a).size > 1);
          const u8 = new Uint8Array(64), b64 = new BigUint64Array(4), i16 = new Int16Array(new ArrayBuffer(10), 2, 3);
          crypto.getRandomValues(u8); crypto.getRandomValues(b64); crypto.getRandomValues(i16);
          console.log('filled:', u8.some((x) => x !== 0), b64.some((x) => x !== 0n), new Uint8Array(i16.buffer, 0, 2).every((x) => x === 0));
          const names = [];
          for (const v of [new Float32Array(4), new Float64Array(1), new DataView(new ArrayBuffer(4)), [1, 2]]) {
            try { crypto.getRandomValues(v); names.push('filled'); } catch (e) { names.push(e.name + (e.code ? ' ' + e.code : '')); }
          }
          console.log(names.join(' '));
          let quota; try { crypto.getRandomValues(new Uint8Array(65537)); } catch (e) { quota = e; }
          crypto.getRandomValues(new Uint8Array(65536));
          console.log(quota.name, quota.code, 65536, 'ok');
          const ids = new Set();
          let shape = true;
          for (let i = 0; i < 200; i++) {
            const id = crypto.randomUUID();
            ids.add(id);
            if (!/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)) shape = false;
          }
          console.log('uuid:', shape, crypto.randomUUID().length, ids.size === 200);
          // What the uuid package does (its rng.js): a bound getRandomValues filling 16 bytes.
          const rng = crypto.getRandomValues.bind(crypto);
          const rnds8 = new Uint8Array(16);
          const r = rng(rnds8);
          console.log('uuid-style:', r === rnds8, r.length);
          const detachedCall = crypto.getRandomValues;
          try { detachedCall(new Uint8Array(1)); } catch (e) { console.log(e.constructor.name); }
        }"""));
  }

  /** Keys, signals (one with a timeout pending) and random numbers in a component snapshotted, then restored twice from one image. */
  @Test
  void cryptoAndAbortControllersSurviveASnapshotAndRestoredCopiesDrawDifferentRandomness() throws Exception {
    String script = HEX + """
        let key, ac, signature, last = 0;
        async function main(env) {
          key = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
          signature = hex(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode('m')));
          ac = new AbortController();
          ac.signal.addEventListener('abort', () => console.log('aborted:', ac.signal.reason.name));
          // Pending at the snapshot: re-armed in every restored copy.
          const t = AbortSignal.timeout(1500);
          t.onabort = () => console.log('timed out:', t.reason.name);
          console.log('ready');
          for await (const cmd of env.in) {
            const now = performance.now();
            const again = hex(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode('m')));
            const verified = await crypto.subtle.verify('HMAC', key, new Uint8Array(signature.match(/../g).map((h) => parseInt(h, 16))), new TextEncoder().encode('m'));
            if (cmd === 'abort') ac.abort();
            console.log(cmd, again === signature, verified, now >= last, ac.signal.aborted, 'random', hex(crypto.getRandomValues(new Uint8Array(16))),
              hex(await crypto.subtle.digest('SHA-1', new TextEncoder().encode('abc'))).slice(0, 8));
            last = now;
          }
        }""";
    Ring ring = ring(4096);
    Component a = start(new Component.Context().name("keys").snapshottable(true).script(script, "keys.js")
        .grant(EnvEntry.of("in", Capability.root(Kind.CHANNEL_READER, ring, EnumSet.of(Right.READ)))));
    awaitLog("keys:ready");
    send(ring.writer(), "before");
    awaitPrefix("keys:before true true true false random ");
    ComponentSnapshot snap = a.snapshot(T);
    a.terminate("replaced by its restored copies");
    assertNotNull(a.awaitExit(T));
    log.clear();

    Ring[] rings = {ring(4096), ring(4096)};
    for (int i = 0; i < 2; i++) {
      Component b = start(new Component.Context().name("r" + i).snapshottable(true)
          .grant(EnvEntry.of("in", Capability.root(Kind.CHANNEL_READER, rings[i], EnumSet.of(Right.READ))))
          .restore(snap.blob(), snap.held().keySet()));
      assertTrue(b.awaitStarted(T));
      send(rings[i].writer(), "abort");
    }
    awaitLog("r0:aborted: AbortError");
    awaitLog("r1:aborted: AbortError");
    awaitLog("r0:timed out: TimeoutError");
    awaitLog("r1:timed out: TimeoutError");
    String r0 = awaitPrefix("r0:abort true true true true random ");
    String r1 = awaitPrefix("r1:abort true true true true random ");
    assertTrue(r0.endsWith(" a9993e36") && r1.endsWith(" a9993e36"), r0 + " / " + r1);
    assertNotEquals(r0.substring(3), r1.substring(3), "two copies restored from one image drew the same random bytes");
  }

  private static void send(RingWriter w, String text) {
    assertTrue(w.write(text.getBytes(StandardCharsets.UTF_8), RingDescriptor.TYPE_TEXT, T));
  }

  private void awaitLog(String line) throws InterruptedException {
    awaitPrefix(line);
  }

  private String awaitPrefix(String prefix) throws InterruptedException {
    long deadline = System.nanoTime() + T.toNanos();
    for (;;) {
      synchronized (log) {
        for (String l : log) {
          if (l.startsWith(prefix)) {
            return l;
          }
        }
      }
      assertTrue(System.nanoTime() < deadline, "no log line \"" + prefix + "...\" in " + log);
      Thread.sleep(5);
    }
  }
}
