package b8g.components;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.components.Component.ExitStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * zip bomb that ends the component by its own memory budget instead of weighing on the host.
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
    assertEquals(23, n, "every check ran");
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
}
