package b8g.snapshots;

import static b8g.snapshots.StackImageDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;

/** Test fixtures: a host compatibility record, sample images, and byte-level surgery on images. */
final class Images {
  private Images() {}

  static final Compatibility HOST =
      new Compatibility("v8-i18n", "5.0.6", "14.7.173.20", "linux", "x86_64", "--max-lazy", 1);

  static final List<RegionRecord> SAMPLE_REGIONS =
      List.of(
          new RegionRecord("frames", 5000, RegionRecord.Backing.ANONYMOUS, RIGHT_READ | RIGHT_WRITE),
          new RegionRecord("empty", 0, RegionRecord.Backing.SHARED_FILE, RIGHT_READ),
          new RegionRecord("stats", 100, RegionRecord.Backing.SHARED_FILE, RIGHT_READ));

  static byte[] random(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** A small image with every section type and some content in each. */
  static StackImageWriter sampleWriter() {
    StackImageWriter w =
        new StackImageWriter(
            new Compatibility("v8-i18n", "5.0.6", "14.7.173.20", "linux", "x86_64", "--max-lazy", 1, Map.of("built.by", "test")));
    w.manifest("components { name: \"stage\" script: \"main.js\" } # grüße ✓\n");
    w.addContext("stage", ByteBuffer.wrap(random(1, 777)));
    w.addContext("sink", ByteBuffer.wrap(random(2, 64)));
    for (int i = 0; i < SAMPLE_REGIONS.size(); i++) {
      w.addRegion(SAMPLE_REGIONS.get(i), ByteBuffer.wrap(random(10 + i, (int) SAMPLE_REGIONS.get(i).size())));
    }
    w.addCapability(new CapabilityEntry(0, "in", "channel.in", "raw", 1));
    w.addCapability(new CapabilityEntry(0, "frames", "region", "frames", 3));
    w.addCapability(new CapabilityEntry(1, "out", "channel.out", "raw", 2));
    return w;
  }

  static byte[] sampleBytes(Path dir) throws IOException {
    Path p = dir.resolve("sample.b8gimage");
    sampleWriter().writeTo(p);
    return Files.readAllBytes(p);
  }

  static StackImage read(byte[] image) {
    return StackImage.read(ByteBuffer.wrap(image), HOST, StackImage.Limits.DEFAULT);
  }

  static ImageException rejects(byte[] image, String code, String phrase) {
    return rejects(image, StackImage.Limits.DEFAULT, code, phrase);
  }

  static ImageException rejects(byte[] image, StackImage.Limits limits, String code, String phrase) {
    ImageException e =
        assertThrows(ImageException.class, () -> StackImage.read(ByteBuffer.wrap(image), HOST, limits));
    assertEquals(code, e.code(), () -> "wrong code; message: " + e.getMessage());
    assertTrue(
        e.getMessage().contains(phrase),
        () -> "message should contain \"" + phrase + "\" but was: " + e.getMessage());
    return e;
  }

  /** Byte surgery on a copy of an image, with helpers that recompute the checksums. */
  static final class Surgery {
    final byte[] bytes;
    final ByteBuffer buf;

    Surgery(byte[] image) {
      bytes = image.clone();
      buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    int count() {
      return buf.getInt(SECTION_COUNT_OFFSET);
    }

    int entry(int i) {
      return buf.getInt(HEADER_LENGTH_OFFSET) + i * buf.getInt(ENTRY_LENGTH_OFFSET);
    }

    int type(int i) {
      return buf.getInt(entry(i) + ENTRY_TYPE_OFFSET);
    }

    long offset(int i) {
      return buf.getLong(entry(i) + ENTRY_OFFSET_OFFSET);
    }

    long length(int i) {
      return buf.getLong(entry(i) + ENTRY_LENGTH_FIELD_OFFSET);
    }

    /** Position in the table of the first section of {@code type} (and {@code id}). */
    int find(SectionType type, int id) {
      for (int i = 0; i < count(); i++) {
        if (type(i) == type.code() && buf.getInt(entry(i) + ENTRY_ID_OFFSET) == id) {
          return i;
        }
      }
      throw new AssertionError("no " + type + " " + id);
    }

    Surgery flip(long position) {
      bytes[(int) position] ^= 0x5a;
      return this;
    }

    Surgery putEntryInt(int i, int field, int v) {
      buf.putInt(entry(i) + field, v);
      return resealTable();
    }

    Surgery putEntryLong(int i, int field, long v) {
      buf.putLong(entry(i) + field, v);
      return resealTable();
    }

    Surgery resealHeader() {
      int headerLength = buf.getInt(HEADER_LENGTH_OFFSET);
      if (headerLength >= HEADER_LENGTH && headerLength <= bytes.length) {
        buf.putInt(HEADER_CHECKSUM_OFFSET, Checksums.header(buf, headerLength));
      }
      return this;
    }

    Surgery resealTable() {
      int start = buf.getInt(HEADER_LENGTH_OFFSET);
      long end = start + (long) count() * buf.getInt(ENTRY_LENGTH_OFFSET);
      if (start >= 0 && end <= bytes.length && end >= start) {
        buf.putInt(TABLE_CHECKSUM_OFFSET, crc(start, (int) (end - start)));
      }
      return resealHeader();
    }

    /** Recomputes section {@code i}'s checksum after its bytes were changed. */
    Surgery resealSection(int i) {
      buf.putInt(entry(i) + ENTRY_CHECKSUM_OFFSET, crc((int) offset(i), (int) length(i)));
      return resealTable();
    }

    /** Replaces a section's bytes in place (same length) and reseals. */
    Surgery sectionBytes(int i, byte[] content) {
      assertEquals(length(i), content.length);
      System.arraycopy(content, 0, bytes, (int) offset(i), content.length);
      return resealSection(i);
    }

    /** The value of {@code key} in the COMPATIBILITY section. */
    String compatibilityValue(String key) {
      int at = compatibilityValueAt(key);
      return new String(bytes, at + 4, buf.getInt(at), StandardCharsets.UTF_8);
    }

    /**
     * Replaces the value of {@code key} in the COMPATIBILITY section by one of the same length (so
     * nothing moves) and reseals section, table and header, as a writer on that machine would have.
     */
    Surgery compatibilityValue(String key, String value) {
      int at = compatibilityValueAt(key);
      byte[] v = value.getBytes(StandardCharsets.UTF_8);
      assertEquals(buf.getInt(at), v.length, "the new value must have the old one's length");
      System.arraycopy(v, 0, bytes, at + 4, v.length);
      return resealSection(find(SectionType.COMPATIBILITY, 0));
    }

    /** Where the length prefix of {@code key}'s value is. */
    private int compatibilityValueAt(String key) {
      int p = (int) offset(find(SectionType.COMPATIBILITY, 0));
      int n = buf.getInt(p);
      p += 4;
      for (int i = 0; i < n; i++) {
        int keyLength = buf.getInt(p);
        String k = new String(bytes, p + 4, keyLength, StandardCharsets.UTF_8);
        p += 4 + keyLength;
        if (k.equals(key)) {
          return p;
        }
        p += 4 + buf.getInt(p);
      }
      throw new AssertionError("no key " + key + " in the COMPATIBILITY section");
    }

    int crc(int offset, int length) {
      CRC32C c = new CRC32C();
      c.update(bytes, offset, length);
      return (int) c.getValue();
    }
  }
}
