package b8g.components;

import static org.junit.jupiter.api.Assertions.*;

import b8g.capabilities.Capability;
import b8g.capabilities.Capability.Kind;
import b8g.capabilities.Right;
import b8g.components.Component.EnvEntry;
import b8g.components.Component.ExitStatus;
import b8g.memory.Region;
import b8g.memory.Ring;
import b8g.memory.RingDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the prelude adds to ECMAScript, and that user code cannot bend the platform by patching built-ins. */
class PreludeTest {
  private final List<Region> regions = new ArrayList<>();
  private final List<Component> components = new ArrayList<>();
  private final List<String> log = Collections.synchronizedList(new ArrayList<>());
  private final HostServices logging = Fixtures.logging((s, text) -> log.add(text));

  @AfterEach
  void tearDown() throws InterruptedException {
    for (Component c : components) {
      c.terminate("test over");
      assertNotNull(c.awaitExit(Duration.ofSeconds(10)));
    }
    regions.forEach(Region::close);
  }

  private ExitStatus run(String name, String script, EnvEntry... env) throws InterruptedException {
    Component.Context ctx = new Component.Context().name(name).script(script, name + ".js").services(logging)
        .grant(EnvEntry.of("log", Capability.root(Kind.LOG, null, EnumSet.noneOf(Right.class))));
    for (EnvEntry e : env) {
      ctx.grant(e);
    }
    Component c = Component.start(ctx);
    components.add(c);
    ExitStatus s = c.awaitExit(Duration.ofSeconds(30));
    assertNotNull(s);
    return s;
  }

  @Test
  void shouldEncodeAndDecodeUtf8() throws Exception {
    ExitStatus s = run("utf8", """
        async function main(env) {
          const text = 'aé€😀';
          const bytes = new TextEncoder().encode(text);
          const back = new TextDecoder().decode(bytes);
          const lossy = new TextDecoder().decode(new Uint8Array([0x61, 0xff, 0xc3]));
          let fatal = '';
          try { new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff])); } catch (e) { fatal = e.constructor.name; }
          console.log(Array.from(bytes).join(','), back === text, JSON.stringify(lossy), fatal);
        }""");
    assertTrue(s.success(), s.toString());
    assertEquals(List.of("97,195,169,226,130,172,240,159,152,128 true \"a\uFFFD\uFFFD\" TypeError"), log);
  }

  @Test
  void shouldKeepChannelsWorkingWhenUserCodePatchesBuiltins() throws Exception {
    Region mem = Region.anonymous("ch", 4096 + RingDescriptor.TRAILER_LENGTH);
    regions.add(mem);
    Ring ring = Ring.create(mem);
    ExitStatus s = run("patcher", """
        Array.prototype.push = function () { throw new Error('patched push'); };
        Array.prototype.shift = function () { throw new Error('patched shift'); };
        Uint8Array.prototype.set = function () { throw new Error('patched set'); };
        Atomics.load = () => 0; Atomics.store = () => 0;
        Map.prototype.get = () => undefined;
        Reflect.apply = () => { throw new Error('patched apply'); };
        async function main(env) {
          const original = Promise.prototype.then;
          for (let i = 0; i < 200; i++) { const p = env.out.write('m' + i); if (p) await p; }
          await env.out.close();
          let n = 0, last;
          for (;;) { const m = env.in.tryRead(); if (m === null) { await env.in.ready(); continue; } if (m === undefined) break; n++; last = m; }
          console.log(n, last, typeof ArrayBuffer.prototype.transfer, typeof ArrayBuffer.prototype.transferToFixedLength);
        }""",
        EnvEntry.of("out", Capability.root(Kind.CHANNEL_WRITER, ring, EnumSet.of(Right.WRITE))),
        EnvEntry.of("in", Capability.root(Kind.CHANNEL_READER, ring, EnumSet.of(Right.READ))));
    assertTrue(s.success(), s.toString());
    assertEquals(List.of("200 m199 undefined undefined"), log);
  }

  @Test
  void shouldWriteExactlyTheGivenBytesThroughAWriteOnlyRegion() throws Exception {
    Region mem = Region.anonymous("wo", 16);
    regions.add(mem);
    // A write-only holder has no view, so writes go through the host: a string is encoded into a
    // larger scratch buffer, and only its bytes may land (once the whole scratch buffer did).
    ExitStatus s = run("writer", """
        async function main(env) {
          env.wo.write(3, 'hé');
          env.wo.write(13, 'xyz');
          env.wo.write(8, new Uint8Array([9, 8, 7, 6]).subarray(1, 3));
        }""", EnvEntry.of("wo", Capability.root(Kind.REGION, mem, EnumSet.of(Right.WRITE))));
    assertTrue(s.success(), s.toString());
    byte[] all = new byte[16];
    mem.byteBuffer().duplicate().get(all);
    assertArrayEquals(new byte[] {0, 0, 0, 'h', (byte) 0xc3, (byte) 0xa9, 0, 0, 8, 7, 0, 0, 0, 'x', 'y', 'z'}, all);
  }

  @Test
  void shouldHaveUnicodeDataFromIcu() throws Exception {
    ExitStatus s = run("icu", """
        async function main(env) {
          const nfd = 'é'.normalize('NFD');
          console.log(nfd.length, nfd.normalize('NFC') === 'é', 'ﬁ'.normalize('NFKC'));
          console.log(/^\\p{L}+$/u.test('Grüße'), /\\p{Script=Greek}/u.test('λ'), /^\\p{N}$/u.test('٣'));
          console.log(new Intl.NumberFormat('de-DE').format(1234567.891),
              new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', dateStyle: 'long' }).format(new Date(0)));
          console.log(['z', 'ä', 'a'].sort(new Intl.Collator('de').compare).join(''), 'İ'.toLocaleLowerCase('tr').length,
              new Intl.PluralRules('en').select(1), [...new Intl.Segmenter('en', { granularity: 'word' }).segment('hi there')].length);
        }""");
    assertTrue(s.success(), s.toString());
    assertEquals(List.of("2 true fi", "true true true", "1.234.567,891 January 1, 1970", "aäz 1 one 3"), log);
  }

  @Test
  void shouldFindMainDeclaredAsFunctionOrTopLevelConst() throws Exception {
    assertTrue(run("fn", "function main(env) { console.log('fn'); }").success());
    assertTrue(run("arrow", "const main = async (env) => { console.log('arrow'); };").success());
    ExitStatus none = run("none", "const mainly = 1;");
    assertFalse(none.success());
    assertTrue(none.reason().contains("main(env)"), none.reason());
    assertEquals(List.of("fn", "arrow"), log);
  }
}
