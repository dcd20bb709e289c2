package b8g.registry;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutated manifests, indexes and references: the parsers throw RegistryException and nothing
 * else, and never hang (the preemptive timeout is a hang guard, not a performance assertion).
 */
class ParserFuzzTest {
  private static final String[] TOKENS = {"{", "}", "[", "]", ",", ":", "\"", "null", "true", "-1", "1e999", "2",
      "\"schemaVersion\"", "\"layers\"", "\"manifests\"", "\"digest\"", "\"size\"", "\"mediaType\"", "\"../x.js\"",
      "\"sha256:" + "0".repeat(64) + "\"", "\\u0000", "\uD800", "9223372036854775808", "\"annotations\""};

  @Test
  void shouldOnlyEverThrowRegistryExceptionOnMutatedDocuments() {
    Unit.Packed unit = Fixtures.unit("fuzz", "f").pack();
    byte[] manifest = unit.manifest();
    byte[] index = OciJson.indexBytes(List.of(unit.descriptor(), unit.descriptor()));
    Random random = new Random(20261121);
    assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
      for (int i = 0; i < 20_000; i++) {
        byte[] seed = i % 2 == 0 ? manifest : index;
        byte[] input = mutate(seed, random);
        check(() -> OciJson.parseManifest(input, "fuzz"), input);
        check(() -> OciJson.parseIndex(input, "fuzz"), input);
        check(() -> {
          OciJson.Manifest m = OciJson.parseManifest(input, "fuzz");
          Map<String, byte[]> blobs = unit.blobs();
          return Unit.fromOci(m, d -> {
            byte[] b = blobs.get(d.digest());
            if (b == null) {
              throw new RegistryException(RegistryException.NOT_FOUND, "no blob");
            }
            return b;
          }, "fuzz");
        }, input);
        String text = new String(input, StandardCharsets.UTF_8);
        check(() -> Reference.parse(text.substring(0, Math.min(text.length(), 80))), input);
      }
      byte[] deep = ("[".repeat(100_000)).getBytes(StandardCharsets.UTF_8);
      check(() -> OciJson.parseManifest(deep, "deep"), deep);
    });
  }

  private static byte[] mutate(byte[] seed, Random r) {
    StringBuilder s = new StringBuilder(new String(seed, StandardCharsets.UTF_8));
    int edits = 1 + r.nextInt(4);
    for (int e = 0; e < edits && s.length() > 0; e++) {
      int at = r.nextInt(s.length());
      switch (r.nextInt(5)) {
        case 0 -> s.setCharAt(at, (char) r.nextInt(128));
        case 1 -> s.delete(at, Math.min(s.length(), at + 1 + r.nextInt(20)));
        case 2 -> s.insert(at, TOKENS[r.nextInt(TOKENS.length)]);
        case 3 -> s.setLength(at);
        default -> {
          int from = r.nextInt(s.length());
          s.insert(at, s.substring(from, Math.min(s.length(), from + r.nextInt(40))));
        }
      }
    }
    byte[] out = s.toString().getBytes(StandardCharsets.UTF_8);
    if (r.nextInt(10) == 0 && out.length > 0) {
      out[r.nextInt(out.length)] = (byte) (0x80 | r.nextInt(128)); // invalid UTF-8 too
    }
    return out;
  }

  private interface Parse {
    Object run();
  }

  private static void check(Parse p, byte[] input) {
    try {
      p.run();
    } catch (RegistryException expected) {
      // the only acceptable failure
    } catch (RuntimeException | Error e) {
      fail("parser threw " + e + " on: " + new String(input, StandardCharsets.UTF_8), e);
    }
  }
}
