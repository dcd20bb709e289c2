package b8g.host.workload;

import static org.junit.jupiter.api.Assertions.*;

import b8g.components.Component.ExitStatus;
import b8g.host.Host;
import b8g.host.HostFixture;
import b8g.host.HostEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every write API crossed with every read API, for every message size a user may pick and both
 * message kinds, each streaming 256 MiB or 1 M messages (whichever comes first) between two real
 * components over a 1 MiB ring, with every message's content checked by the reader.
 */
class StreamWorkloadTest extends HostFixture {
  static final int RING = 1 << 20;
  static final int MAX = RING / 2 - 8;
  static final long VOLUME = 256L << 20;
  static final int MESSAGES = 1_000_000;


  static Stream<Arguments> combinations() {
    List<Arguments> all = new ArrayList<>();
    for (String write : List.of("write", "tryWrite")) {
      for (String read : List.of("forAwait", "read", "tryRead", "readInPlace")) {
        for (int size : new int[] {0, 64, 4096, 65536, MAX}) {
          for (boolean text : new boolean[] {false, true}) {
            // -Db8g.workload.only=write,forAwait,65536,true runs one combination (to chase a failure).
            String only = System.getProperty("b8g.workload.only");
            if (only == null || only.equals(write + "," + read + "," + size + "," + text)) {
              all.add(Arguments.of(write, read, size, text));
            }
          }
        }
      }
    }
    return all.stream();
  }

  static int count(int size) {
    return size == 0 ? MESSAGES : (int) Math.min(MESSAGES, (VOLUME + size - 1) / size);
  }

  /**
   * Message i: bytes whose first 4 bytes are i (little-endian), middle byte i * 7, last byte i;
   * text of exactly {@code size} UTF-8 bytes: i in 10 digits, "é€😀" (2, 3 and 4 bytes), then 'x'.
   */
  static final String COMMON = """
      const N = %d, SIZE = %d, TEXT = %s;
      const MULTI = 'é€😀';
      const FILL = TEXT && SIZE >= 19 ? 'x'.repeat(SIZE - 19) : '';
      function digits(i) { return String(i).padStart(10, '0'); }
      """;

  static final String WRITER = """
      async function main(env) {
        const buf = new Uint8Array(SIZE);
        const dv = new DataView(buf.buffer);
        function message(i) {
          if (TEXT) return SIZE === 0 ? '' : digits(i) + MULTI + FILL;
          if (SIZE > 0) { dv.setUint32(0, i, true); buf[SIZE >> 1] = (i * 7) & 255; buf[SIZE - 1] = i & 255; }
          return buf; // reused: write() copies it before it returns, or keeps it until its promise resolves
        }
        for (let i = 0; i < N; i++) {
          const m = message(i);
          %s
        }
        await env.out.close();
      }
      """;

  static final String WRITE = "const p = env.out.write(m); if (p) await p;";
  static final String TRY_WRITE = "while (!env.out.tryWrite(m)) await env.out.ready();";

  static final String READER = """
      async function main(env) {
        let n = 0, bad = 0, first = '';
        function fail(why) { if (bad++ === 0) first = 'message ' + n + ': ' + why; }
        function checkBytes(b) {
          if (b.length !== SIZE) return fail('length ' + b.length);
          if (SIZE === 0) return;
          if (TEXT) {
            const d = digits(n);
            for (let k = 0; k < 10; k++) if (b[k] !== d.charCodeAt(k)) return fail('digits');
            const multi = [0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80];
            for (let k = 0; k < 9; k++) if (b[10 + k] !== multi[k]) return fail('multi-byte');
            if (b[SIZE - 1] !== 0x78 || b[SIZE >> 1] !== 0x78) return fail('fill');
            return;
          }
          const seq = (b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24) >>> 0;
          if (seq !== n) return fail('sequence ' + seq);
          if (b[SIZE >> 1] !== ((n * 7) & 255) && (SIZE >> 1) >= 4) return fail('middle');
          if (b[SIZE - 1] !== (n & 255)) return fail('last');
        }
        function check(m) {
          if (TEXT) {
            if (typeof m !== 'string') return fail('not text');
            if (SIZE === 0) { if (m !== '') fail('not empty'); return; }
            if (m.length !== SIZE - 19 + 14 || !m.startsWith(digits(n) + MULTI) || m.charCodeAt(m.length - 1) !== 0x78) return fail('text');
            return;
          }
          if (!(m instanceof Uint8Array)) return fail('not bytes');
          checkBytes(m);
        }
        %s
        console.log('read', n, 'bad', bad, first);
      }
      """;

  static final Map<String, String> READS = Map.of(
      "forAwait", "for await (const m of env.in) { check(m); n++; }",
      "read", "for (;;) { const m = await env.in.read(); if (m === undefined) break; check(m); n++; }",
      "tryRead", """
          for (;;) {
            const m = env.in.tryRead();
            if (m === null) { await env.in.ready(); continue; }
            if (m === undefined) break;
            check(m); n++;
          }""",
      "readInPlace", """
          const expectKind = TEXT ? 'text' : 'bytes';
          const inPlace = (view, kind) => { if (kind !== expectKind) fail('kind ' + kind); checkBytes(view); n++; };
          for (;;) {
            if (env.in.readInPlace(inPlace)) continue;
            if (env.in.ended) break;
            await env.in.ready();
          }""");

  @ParameterizedTest(name = "{0} -> {1}, {2} B, text {3}")
  @MethodSource("combinations")
  void shouldStreamEveryMessageIntactAndInOrder(String write, String read, int size, boolean text) throws Exception {
    int n = count(size);
    String common = COMMON.formatted(n, size, text);
    write("writer.js", common + WRITER.formatted(write.equals("write") ? WRITE : TRY_WRITE));
    write("reader.js", common + READER.formatted(READS.get(read)));
    write("m.txtpb", """
        components { name: "writer" script: "writer.js" }
        components { name: "reader" script: "reader.js" }
        channels { name: "c" capacity: %d backing: ANONYMOUS }
        grants { component: "writer" channel: "c" rights: WRITE as: "out" }
        grants { component: "reader" channel: "c" rights: READ as: "in" }
        grants { component: "reader" host: LOG }
        """.formatted(RING));
    try (Host h = launch(dir.resolve("m.txtpb"))) {
      Map<String, ExitStatus> done = finish(h, Duration.ofMinutes(3));
      assertTrue(done.values().stream().allMatch(ExitStatus::success), done + " " + log);
    }
    assertEquals(List.of("[reader] read " + n + " bad 0 "), log);
  }
}
