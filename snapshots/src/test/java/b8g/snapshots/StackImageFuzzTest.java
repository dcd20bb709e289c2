package b8g.snapshots;

import static b8g.snapshots.StackImageDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutates a valid image many times and requires the reader to either return a usable image or
 * throw {@link ImageException}: never another exception, never a hang, never an allocation sized
 * by an unchecked length. Mutations that re-seal checksums after changing a field let the fuzzer
 * past the checksums into the bounds checks and the section parsers. Each iteration has its own
 * seed, so a failure names the iteration that reproduces it.
 */
class StackImageFuzzTest {
  private static final long SEED = 0xB86_1A6EL;
  private static final int ITERATIONS = 20_000;

  @TempDir Path dir;

  private static final int[][] HEADER_FIELDS = {
    {MAJOR_OFFSET, 2}, {MINOR_OFFSET, 2}, {HEADER_LENGTH_OFFSET, 4}, {SECTION_COUNT_OFFSET, 4},
    {ENTRY_LENGTH_OFFSET, 4}, {FLAGS_OFFSET, 4}, {FILE_LENGTH_OFFSET, 8}, {TABLE_CHECKSUM_OFFSET, 4}
  };
  private static final int[][] ENTRY_FIELDS = {
    {ENTRY_TYPE_OFFSET, 4}, {ENTRY_FLAGS_OFFSET, 4}, {ENTRY_OFFSET_OFFSET, 8},
    {ENTRY_LENGTH_FIELD_OFFSET, 8}, {ENTRY_CHECKSUM_OFFSET, 4}, {ENTRY_ID_OFFSET, 4}
  };

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void shouldReturnOrThrowImageExceptionForEveryMutation() throws Exception {
    byte[] base = Images.sampleBytes(dir);
    Map<String, Integer> outcomes = new TreeMap<>();
    for (int i = 0; i < ITERATIONS; i++) {
      Random rng = new Random(SEED * 1_000_003L + i);
      byte[] mutated = mutate(base, rng);
      String outcome;
      try {
        StackImage image = StackImage.read(ByteBuffer.wrap(mutated), Images.HOST, StackImage.Limits.DEFAULT);
        use(image);
        outcome = "accepted";
      } catch (ImageException e) {
        outcome = e.code();
      } catch (Throwable t) {
        AssertionError error = new AssertionError("iteration " + i + " (seed " + SEED + "): " + t, t);
        throw error;
      }
      outcomes.merge(outcome, 1, Integer::sum);
    }
    System.out.println("fuzz outcomes over " + ITERATIONS + " mutations: " + outcomes);
    // The mutations must reach past the checksums into bounds checks and parsers, or the test
    // proves little.
    for (String code :
        new String[] {
          ImageException.TRUNCATED, ImageException.MAGIC, ImageException.VERSION, ImageException.CHECKSUM,
          ImageException.BOUNDS, ImageException.OVERLAP, ImageException.TOO_LARGE, ImageException.MALFORMED,
          ImageException.INCOMPATIBLE, "accepted"
        }) {
      if (!outcomes.containsKey(code)) {
        fail("no mutation produced " + code + "; outcomes: " + outcomes);
      }
    }
    assertTrue(outcomes.values().stream().mapToInt(Integer::intValue).sum() == ITERATIONS);
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void shouldReturnOrThrowImageExceptionForEveryMutationOfADeflatedImage() throws Exception {
    // Contexts stored deflated (2.1): mutations resealed under their checksums reach the inflater.
    StackImageWriter w = Images.sampleWriter().deflateContexts(1);
    w.addContext("third", ByteBuffer.wrap(DeflatedContextTest.compressible(20_000)));
    Path p = dir.resolve("deflated.b8gimage");
    w.writeTo(p);
    byte[] base = java.nio.file.Files.readAllBytes(p);
    Map<String, Integer> outcomes = new TreeMap<>();
    for (int i = 0; i < ITERATIONS / 4; i++) {
      Random rng = new Random(SEED * 7_000_003L + i);
      byte[] mutated = mutate(base, rng);
      String outcome;
      try {
        use(StackImage.read(ByteBuffer.wrap(mutated), Images.HOST, StackImage.Limits.DEFAULT));
        outcome = "accepted";
      } catch (ImageException e) {
        outcome = e.code();
      } catch (Throwable t) {
        throw new AssertionError("deflated, iteration " + i + " (seed " + SEED + "): " + t, t);
      }
      outcomes.merge(outcome, 1, Integer::sum);
    }
    System.out.println("fuzz outcomes over " + ITERATIONS / 4 + " mutations of a deflated image: " + outcomes);
    for (String code : new String[] {ImageException.CHECKSUM, ImageException.MALFORMED, ImageException.TOO_LARGE, "accepted"}) {
      if (!outcomes.containsKey(code)) {
        fail("no mutation produced " + code + "; outcomes: " + outcomes);
      }
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void shouldReturnOrThrowImageExceptionForEveryMutationThroughTheMappingReader() throws Exception {
    // The same mutations, written to a file and read through the mapping (StackImage.open), which
    // verifies in place instead of on a heap copy; deflated contexts included.
    StackImageWriter w = Images.sampleWriter().deflateContexts(1);
    w.addContext("third", ByteBuffer.wrap(DeflatedContextTest.compressible(20_000)));
    Path base = dir.resolve("base.b8gimage");
    w.writeTo(base);
    byte[] bytes = java.nio.file.Files.readAllBytes(base);
    Path file = dir.resolve("mutated.b8gimage");
    Map<String, Integer> outcomes = new TreeMap<>();
    int iterations = ITERATIONS / 10;
    for (int i = 0; i < iterations; i++) {
      Random rng = new Random(SEED * 9_000_011L + i);
      java.nio.file.Files.write(file, mutate(bytes, rng));
      String outcome;
      try {
        use(StackImage.open(file, Images.HOST));
        outcome = "accepted";
      } catch (ImageException e) {
        outcome = e.code();
      } catch (Throwable t) {
        throw new AssertionError("mapped, iteration " + i + " (seed " + SEED + "): " + t, t);
      }
      outcomes.merge(outcome, 1, Integer::sum);
    }
    System.out.println("fuzz outcomes over " + iterations + " mutations read mapped: " + outcomes);
    for (String code : new String[] {ImageException.TRUNCATED, ImageException.CHECKSUM, ImageException.BOUNDS, ImageException.MALFORMED, "accepted"}) {
      if (!outcomes.containsKey(code)) {
        fail("no mutation produced " + code + "; outcomes: " + outcomes);
      }
    }
  }

  /** Touches everything an accepted image offers, so a lazily broken accessor shows up too. */
  private static void use(StackImage image) {
    ImageInspector.describe(image);
    ImageInspector.text(image);
    for (int r = 0; r < image.regions().size(); r++) {
      if (image.regionBytes(r).remaining() != image.regions().get(r).size()) {
        throw new AssertionError("accepted region " + r + " whose bytes do not match its size");
      }
    }
    for (int c = 0; c < image.componentCount(); c++) {
      image.contextBlob(c);
      image.contextBytes(c);
    }
    for (SectionEntry s : image.sections()) {
      image.sectionBytes(s.position());
    }
  }

  /** One to three mutations of a copy of {@code base}. */
  static byte[] mutate(byte[] base, Random rng) {
    int rounds = 1 + (rng.nextInt(4) == 0 ? rng.nextInt(3) : 0);
    byte[] current = base;
    for (int r = 0; r < rounds; r++) {
      current = mutateOnce(current, rng);
    }
    return current;
  }

  private static byte[] mutateOnce(byte[] input, Random rng) {
    Images.Surgery s = new Images.Surgery(input);
    byte[] b = s.bytes;
    switch (rng.nextInt(8)) {
      case 0 -> { // random byte flips
        int n = 1 + rng.nextInt(4);
        for (int k = 0; k < n && b.length > 0; k++) {
          b[rng.nextInt(b.length)] ^= (byte) (1 + rng.nextInt(255));
        }
        return b;
      }
      case 1 -> { // truncation
        return Arrays.copyOf(b, b.length == 0 ? 0 : rng.nextInt(b.length));
      }
      case 2 -> { // splice in place: copy a chunk over another
        if (b.length < 2) {
          return b;
        }
        int from = rng.nextInt(b.length);
        int to = rng.nextInt(b.length);
        int n = rng.nextInt(Math.min(b.length - Math.max(from, to), 256) + 1);
        System.arraycopy(input, from, b, to, n);
        return b;
      }
      case 3 -> { // splice that changes the length: insert or delete a chunk
        int at = b.length == 0 ? 0 : rng.nextInt(b.length);
        int n = 1 + rng.nextInt(64);
        if (rng.nextBoolean()) {
          byte[] out = new byte[b.length + n];
          byte[] inserted = new byte[n];
          rng.nextBytes(inserted);
          System.arraycopy(b, 0, out, 0, at);
          System.arraycopy(inserted, 0, out, at, n);
          System.arraycopy(b, at, out, at + n, b.length - at);
          return out;
        }
        int del = Math.min(n, b.length - at);
        byte[] out = new byte[b.length - del];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + del, out, at, b.length - at - del);
        return out;
      }
      case 4 -> { // a header field gets a random or boundary value; header re-sealed
        if (b.length < HEADER_LENGTH) {
          return b;
        }
        int[] f = HEADER_FIELDS[rng.nextInt(HEADER_FIELDS.length)];
        put(s.buf, f[0], f[1], interesting(rng, b.length));
        return (rng.nextBoolean() ? s.resealTable() : s.resealHeader()).bytes;
      }
      case 5 -> { // a table entry field gets a random or boundary value; table re-sealed
        if (!tableReadable(s)) {
          return b;
        }
        int i = rng.nextInt(s.count());
        int[] f = ENTRY_FIELDS[rng.nextInt(ENTRY_FIELDS.length)];
        put(s.buf, s.entry(i) + f[0], f[1], interesting(rng, b.length));
        return s.resealTable().bytes;
      }
      default -> { // bytes inside a section change; section, table and header re-sealed
        if (!tableReadable(s)) {
          return b;
        }
        int i = rng.nextInt(Math.min(s.count(), 5)); // mostly the structured sections
        if (rng.nextInt(4) == 0) {
          i = rng.nextInt(s.count());
        }
        long off = s.offset(i);
        long len = s.length(i);
        if (len <= 0 || off < 0 || off + len > b.length) {
          return b;
        }
        int at = (int) (off + rng.nextLong(len));
        int size = new int[] {1, 2, 4, 8}[rng.nextInt(4)];
        if (at + size > off + len) {
          return b;
        }
        put(s.buf, at, size, interesting(rng, (int) len));
        return s.resealSection(i).bytes;
      }
    }
  }

  private static boolean tableReadable(Images.Surgery s) {
    if (s.bytes.length < HEADER_LENGTH) {
      return false;
    }
    long start = Integer.toUnsignedLong(s.buf.getInt(HEADER_LENGTH_OFFSET));
    long entry = Integer.toUnsignedLong(s.buf.getInt(ENTRY_LENGTH_OFFSET));
    long count = Integer.toUnsignedLong(s.count());
    return count > 0 && entry >= ENTRY_LENGTH && start >= HEADER_LENGTH && start + count * entry <= s.bytes.length;
  }

  private static long interesting(Random rng, int scale) {
    return switch (rng.nextInt(10)) {
      case 0 -> 0;
      case 1 -> 1;
      case 2 -> -1;
      case 3 -> Integer.MAX_VALUE;
      case 4 -> Long.MAX_VALUE;
      case 5 -> Long.MIN_VALUE + rng.nextInt(16);
      case 6 -> rng.nextInt(Math.max(1, scale) + 8);
      case 7 -> (long) rng.nextInt(Math.max(1, scale / 8) + 1) * 8;
      case 8 -> 1L << rng.nextInt(63);
      default -> rng.nextLong();
    };
  }

  private static void put(ByteBuffer buf, int at, int size, long v) {
    switch (size) {
      case 1 -> buf.put(at, (byte) v);
      case 2 -> buf.putShort(at, (short) v);
      case 4 -> buf.putInt(at, (int) v);
      default -> buf.putLong(at, v);
    }
  }
}
