package b8g.components;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.components.Component.ExitStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;

/**
 * CompressionStream and DecompressionStream: round trips, interoperation with java.util.zip and
 * the gzip command both ways, bounded output, corrupt input, the bound on open engines, and a
 * zip bomb that ends the component by its own memory budget instead of weighing on the host; and,
 * on the engines directly, the host memory they may hold (header length, number open, one pending
 * input).
 */
class CompressionTest extends WebApiFixture {
  private static final String PLAIN = "Réunion d'été: 😀 ".repeat(500) + "the end";

  private static String js(byte[] b) {
    StringBuilder s = new StringBuilder("new Uint8Array([");
    for (int i = 0; i < b.length; i++) {
      s.append(i == 0 ? "" : ",").append(b[i] & 0xff);
    }
    return s.append("])").toString();
  }

  private static byte[] gzipJava(byte[] in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(in);
    }
    return out.toByteArray();
  }

  private static byte[] deflate(byte[] in, boolean raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(out, new Deflater(Deflater.BEST_COMPRESSION, raw))) {
      z.write(in);
    }
    return out.toByteArray();
  }

  /** The gzip command's output, or null where the machine has no gzip. */
  private static byte[] gzipShell(byte[] in) throws InterruptedException {
    try {
      Process p = new ProcessBuilder("gzip", "-c", "-9").start();
      p.getOutputStream().write(in);
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      return p.waitFor() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  @Test
  void shouldCompressAndDecompressInteroperablyWithJavaAndGzip() throws Exception {
    byte[] plain = PLAIN.getBytes(StandardCharsets.UTF_8);
    byte[] shell = gzipShell(plain);
    String prefix = "const PLAIN = " + quote(PLAIN) + ";\nconst GZ_JAVA = " + js(gzipJava(plain)) + ";\nconst GZ_SHELL = "
        + (shell == null ? "null" : js(shell)) + ";\nconst ZLIB_JAVA = " + js(deflate(plain, false)) + ";\nconst RAW_JAVA = "
        + js(deflate(plain, true)) + ";\n";
    int n = conform("zip", prefix, resource("compression-conformance.js"), new Component.Context());
    assertEquals(25, n, "every check ran");
    // What the component compressed, decompressed here.
    for (String line : log) {
      String[] f = line.substring("zip:".length()).split(" ");
      if (f.length != 2 || !f[0].matches("gzip|deflate|deflate-raw")) {
        continue;
      }
      byte[] packed = HexFormat.of().parseHex(f[1]);
      byte[] back = switch (f[0]) {
        case "gzip" -> readAll(new GZIPInputStream(new ByteArrayInputStream(packed)));
        case "deflate" -> readAll(new InflaterInputStream(new ByteArrayInputStream(packed)));
        default -> readAll(new InflaterInputStream(new ByteArrayInputStream(packed), new Inflater(true)));
      };
      assertEquals(PLAIN, new String(back, StandardCharsets.UTF_8), f[0] + " from the component, read by java.util.zip");
    }
    if (shell != null) {
      Process p = new ProcessBuilder("gzip", "-d", "-c").start();
      String gz = log.stream().filter(l -> l.startsWith("zip:gzip ")).findFirst().orElseThrow().substring("zip:gzip ".length());
      p.getOutputStream().write(HexFormat.of().parseHex(gz));
      p.getOutputStream().close();
      assertEquals(PLAIN, new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8), "read by the gzip command");
      assertEquals(0, p.waitFor());
    }
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("'");
    for (char c : s.toCharArray()) {
      if (c == '\'' || c == '\\' || c < 0x20 || c > 0x7e) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('\'').toString();
  }

  @Test
  void shouldEndAComponentThatHoardsAZipBombByItsOwnBudget() throws Exception {
    // 512 MiB of zeros in about half a MiB of gzip: what it inflates to is the component's.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 512; i++) {
        z.write(zeros);
      }
    }
    byte[] bomb = out.toByteArray();
    assertTrue(bomb.length < (1 << 20), "a bomb: " + bomb.length + " bytes");
    Component c = start(new Component.Context().name("bomb").heapBytes(32L << 20).cpuMillisPerTurn(60_000).script("""
        const BOMB = %s;
        async function main(env) {
          const kept = [];
          const s = new DecompressionStream('gzip');
          const w = s.writable.getWriter();
          w.write(BOMB).catch(() => {}); w.close().catch(() => {});
          let n = 0;
          for await (const chunk of s.readable) { kept.push(chunk); n += chunk.length; }
          console.log('inflated all of it?!', n);
        }""".formatted(js(bomb)), "bomb.js"));
    ExitStatus s = c.awaitExit(Duration.ofSeconds(60));
    assertNotNull(s, "the bomb did not end");
    assertFalse(s.success(), s.toString());
    assertTrue(s.reason().contains("heap") || s.reason().contains("memory"), s.toString());
    assertFalse(log.stream().anyMatch(l -> l.contains("inflated all")), log.toString());
  }

  /** Reads an engine until it has nothing more for now. */
  private static void drain(CompressionStreams z, int h, ByteArrayOutputStream out) {
    for (byte[] b = z.read(h); b.length > 0; b = z.read(h)) {
      out.write(b, 0, b.length);
    }
  }

  private static String code(Runnable r) {
    return assertThrows(ComponentException.class, r::run).code();
  }

  @Test
  void shouldRefuseAGzipHeaderLongerThan64KiB() throws Exception {
    CompressionStreams z = new CompressionStreams();
    try {
      // FNAME set, then a megabyte without its NUL: refused once the header passes 64 KiB.
      int h = z.open("gzip", false);
      z.write(h, new byte[] {0x1f, (byte) 0x8b, 8, 8, 0, 0, 0, 0, 0, (byte) 0xff});
      byte[] name = new byte[CompressionStreams.MAX_INPUT];
      Arrays.fill(name, (byte) 'a');
      ComponentException e = assertThrows(ComponentException.class, () -> {
        for (int i = 0; i < 16; i++) {
          z.write(h, name);
        }
      });
      assertEquals("type", e.code());
      assertTrue(e.getMessage().contains("gzip header too long"), e.getMessage());
      assertEquals(0, z.openCount(), "an engine that failed is freed at once");
      assertEquals("type", code(() -> z.write(h, name)), "and its handle names nothing");

      // A header with a name well under the bound (and the body in the same chunk) is fine.
      byte[] plain = PLAIN.getBytes(StandardCharsets.UTF_8);
      byte[] gz = gzipJava(plain);
      byte[] withName = new byte[gz.length + 5000];
      System.arraycopy(gz, 0, withName, 0, 10);
      withName[3] = 8; // FNAME
      Arrays.fill(withName, 10, 10 + 4999, (byte) 'n');
      System.arraycopy(gz, 10, withName, 10 + 5000, gz.length - 10);
      int h2 = z.open("gzip", false);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int at = 0; at < withName.length; at += 3000) {
        z.write(h2, Arrays.copyOfRange(withName, at, Math.min(withName.length, at + 3000)));
        drain(z, h2, out);
      }
      z.finish(h2);
      drain(z, h2, out);
      assertEquals(PLAIN, out.toString(StandardCharsets.UTF_8));
      z.free(h2);
    } finally {
      z.closeAll();
    }
  }

  @Test
  void shouldBoundTheEnginesOpenAtOnce() {
    CompressionStreams z = new CompressionStreams();
    try {
      assertEquals(16, CompressionStreams.MAX_OPEN);
      int[] h = new int[CompressionStreams.MAX_OPEN];
      for (int i = 0; i < h.length; i++) {
        h[i] = z.open(i % 2 == 0 ? "gzip" : "deflate", i % 3 == 0);
      }
      ComponentException e = assertThrows(ComponentException.class, () -> z.open("gzip", false));
      assertEquals("range", e.code());
      assertTrue(e.getMessage().contains("at most 16"), e.getMessage());
      z.free(h[0]);
      h[0] = z.open("deflate-raw", true);
      assertEquals(CompressionStreams.MAX_OPEN, z.openCount());
    } finally {
      z.closeAll();
    }
    assertEquals(0, z.openCount());
  }

  @Test
  void shouldRefuseAWriteBeforeThePreviousInputIsReadOutAndRoundTripWhenDrained() throws Exception {
    byte[] plain = PLAIN.repeat(40).getBytes(StandardCharsets.UTF_8);
    CompressionStreams z = new CompressionStreams();
    try {
      // A second write before the first was read out would drop its unread input (which the
      // CRC had counted): corrupt gzip. Refused instead.
      byte[] noise = new byte[CompressionStreams.MAX_INPUT];
      new java.util.Random(1).nextBytes(noise);
      int bad = z.open("gzip", true);
      z.write(bad, noise);
      assertEquals(10, z.read(bad).length, "the header");
      assertEquals("type", code(() -> z.write(bad, noise)));
      assertEquals(0, z.openCount());

      // Several writes, each drained before the next: what GZIPInputStream reads back is the input.
      for (int chunk : new int[] {1, 777, 4096, CompressionStreams.MAX_INPUT}) {
        int h = z.open("gzip", true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < plain.length; ) {
          int end = Math.min(plain.length, at + (chunk == 1 && at >= 5000 ? CompressionStreams.MAX_INPUT : chunk));
          z.write(h, Arrays.copyOfRange(plain, at, end));
          drain(z, h, out);
          at = end;
        }
        z.write(h, noise);
        drain(z, h, out);
        z.finish(h);
        drain(z, h, out);
        assertEquals(0, z.read(h).length, "finished");
        z.free(h);
        byte[] back = readAll(new GZIPInputStream(new ByteArrayInputStream(out.toByteArray())));
        byte[] want = Arrays.copyOf(plain, plain.length + noise.length);
        System.arraycopy(noise, 0, want, plain.length, noise.length);
        assertTrue(Arrays.equals(want, back), "chunks of " + chunk);
      }
      assertEquals(0, z.openCount());
    } finally {
      z.closeAll();
    }
  }

  @Test
  void shouldRoundTripSeveralWritesMadeBeforeAnyReadInAComponent() throws Exception {
    log.clear();
    Component c = start(new Component.Context().name("writes").script("""
        async function main(env) {
          const enc = new TextEncoder();
          const parts = [];
          for (let i = 0; i < 50; i++) parts.push(enc.encode('part ' + i + ' ' + 'x'.repeat(i * 997 % 5000) + '\\n'));
          const noise = new Uint8Array(200000);
          for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
          parts.push(noise);
          const s = new CompressionStream('gzip');
          const w = s.writable.getWriter();
          // Every write made before anything is read.
          const writes = parts.map((p) => w.write(p));
          const closed = w.close();
          const chunks = [];
          for await (const ch of s.readable) chunks.push(ch);
          await Promise.all(writes); await closed;
          let n = 0; for (const ch of chunks) n += ch.length;
          const all = new Uint8Array(n); let at = 0;
          for (const ch of chunks) { all.set(ch, at); at += ch.length; }
          console.log(Array.from(all, (b) => b.toString(16).padStart(2, '0')).join(''));
        }""", "writes.js"));
    ExitStatus s = c.awaitExit(Duration.ofSeconds(60));
    assertNotNull(s, "did not end");
    assertTrue(s.success(), s + " " + log);
    ByteArrayOutputStream want = new ByteArrayOutputStream();
    for (int i = 0; i < 50; i++) {
      want.write(("part " + i + " " + "x".repeat(i * 997 % 5000) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    for (long i = 0; i < 200000; i++) {
      want.write((int) (((i * 2654435761L) & 0xffffffffL) >>> 24));
    }
    byte[] gz = HexFormat.of().parseHex(log.get(0).substring("writes:".length()));
    byte[] back = readAll(new GZIPInputStream(new ByteArrayInputStream(gz)));
    assertTrue(Arrays.equals(want.toByteArray(), back), "read back by GZIPInputStream: " + back.length + " bytes");
  }
}
