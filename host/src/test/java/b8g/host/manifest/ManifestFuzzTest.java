package b8g.host.manifest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Randomly damaged manifests either load or fail with a ManifestException: never another exception,
 * never a hang. The seeds are fixed so a failure reproduces; the failing input is printed.
 */
class ManifestFuzzTest {
  private static final int ROUNDS = 3000;
  private static final String[] TOKENS = {
    "{", "}", "[", "]", "\"", ":", ",", "..", "/", "0", "-1", "4294967295", "18446744073709551615", "1e999",
    "\\u0000", "\\", "name", "script", "after", "rights", "READ", "WRITE", "host", "RUN", "WATCH", "channel",
    "region", "as", "export", "#", "\n", "<", ">", "'", "null", "true", "components {", "paths", "\"../\"",
    "isolation", "PROCESS", "IN_PROCESS", "process_group",
  };

  @TempDir Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void shouldLoadOrRejectMutatedTextManifests() throws IOException {
    fuzz("good/pipeline.txtpb", "m.txtpb", 0x5eed_7e47L);
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void shouldLoadOrRejectMutatedJsonManifests() throws IOException {
    fuzz("good/pipeline.json", "m.json", 0x5eed_15caL);
  }

  private void fuzz(String resource, String name, long seed) throws IOException {
    Path good = Manifests.resource(resource);
    for (String script : List.of("source.js", "sink.js")) {
      Files.copy(good.resolveSibling(script), dir.resolve(script));
    }
    Files.createDirectories(dir.resolve("tools"));
    byte[] original = Files.readAllBytes(good);
    Path file = dir.resolve(name);
    Random random = new Random(seed);
    int loaded = 0;
    int rejected = 0;
    for (int round = 0; round < ROUNDS; round++) {
      byte[] mutated = original;
      int edits = 1 + random.nextInt(3);
      for (int i = 0; i < edits; i++) {
        mutated = mutate(mutated, random);
      }
      Files.write(file, mutated);
      try {
        ManifestLoader.load(file);
        loaded++;
      } catch (ManifestException e) {
        rejected++;
        assertTrue(e.code().startsWith("manifest."), e.code());
        assertTrue(e.getMessage().startsWith(file.toString()), e::getMessage);
        assertFalse(e.detail().isBlank(), e::getMessage);
      } catch (RuntimeException | Error e) {
        fail("round " + round + " (seed " + seed + "): " + e + " for input:\n"
            + new String(mutated, StandardCharsets.UTF_8), e);
      }
    }
    // Both outcomes must occur, or the mutations are not exercising the loader.
    assertTrue(loaded > 0, "no mutated manifest loaded");
    assertTrue(rejected > ROUNDS / 4, "only " + rejected + " mutated manifests rejected");
  }

  private static byte[] mutate(byte[] in, Random random) {
    if (in.length == 0) {
      return TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
    }
    int at = random.nextInt(in.length);
    switch (random.nextInt(7)) {
      case 0: { // flip one bit
        byte[] out = in.clone();
        out[at] ^= (byte) (1 << random.nextInt(8));
        return out;
      }
      case 1: { // replace a byte with any byte
        byte[] out = in.clone();
        out[at] = (byte) random.nextInt(256);
        return out;
      }
      case 2: // truncate
        return Arrays.copyOf(in, at);
      case 3: // delete a line
        return editLines(in, random, false);
      case 4: // duplicate a line
        return editLines(in, random, true);
      case 5: { // delete a short run
        int end = Math.min(in.length, at + 1 + random.nextInt(8));
        byte[] out = new byte[in.length - (end - at)];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(in, end, out, at, in.length - end);
        return out;
      }
      default: { // insert a token that means something to one of the grammars
        byte[] token = TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[in.length + token.length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(token, 0, out, at, token.length);
        System.arraycopy(in, at, out, at + token.length, in.length - at);
        return out;
      }
    }
  }

  private static byte[] editLines(byte[] in, Random random, boolean duplicate) {
    List<String> lines = new ArrayList<>(Arrays.asList(new String(in, StandardCharsets.ISO_8859_1).split("\n", -1)));
    int line = random.nextInt(lines.size());
    if (duplicate) {
      lines.add(line, lines.get(line));
    } else {
      lines.remove(line);
    }
    return String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1);
  }
}
