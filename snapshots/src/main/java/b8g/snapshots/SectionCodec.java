package b8g.snapshots;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Encodes and decodes the small structured sections (COMPATIBILITY, REGION_DESCRIPTORS,
 * CAPABILITIES, COMPONENT_ORDER, MANIFEST). Encoding and decoding sit side by side so the writer
 * cannot produce what the reader rejects. Decoding trusts nothing: every length and count is
 * checked against the bytes that remain and the configured limits before anything is allocated.
 */
final class SectionCodec {
  private SectionCodec() {}

  // Smallest encoded entry of each table, used to bound a count by the bytes that remain.
  private static final int MIN_KV_BYTES = 8;
  private static final int MIN_REGION_BYTES = 4 + 8 + 4 + 4;
  private static final int MIN_CAPABILITY_BYTES = 4 + 4 + 4 + 4 + 4;
  private static final int MIN_NAME_BYTES = 4;

  // ---------------------------------------------------------------- encoding

  /** Little-endian output for section bodies. */
  static final class Out {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final StackImage.Limits limits;
    private final String where;

    Out(StackImage.Limits limits, String where) {
      this.limits = limits;
      this.where = where;
    }

    void u32(long v) {
      for (int i = 0; i < 4; i++) {
        bytes.write((int) (v >>> (8 * i)));
      }
    }

    void u64(long v) {
      for (int i = 0; i < 8; i++) {
        bytes.write((int) (v >>> (8 * i)));
      }
    }

    void str(String what, String s) {
      byte[] b = utf8(where + ": " + what, s);
      if (b.length > limits.maxStringBytes()) {
        throw new ImageException(
            ImageException.TOO_LARGE,
            where + ": " + what + " is " + b.length + " bytes of UTF-8, more than the limit of "
                + limits.maxStringBytes() + "; shorten it");
      }
      u32(b.length);
      bytes.write(b, 0, b.length);
    }

    void raw(ByteBuffer b) {
      ByteBuffer d = b.duplicate();
      byte[] chunk = new byte[Math.min(d.remaining(), 64 * 1024)];
      while (d.hasRemaining()) {
        int n = Math.min(chunk.length, d.remaining());
        d.get(chunk, 0, n);
        bytes.write(chunk, 0, n);
      }
    }

    byte[] toByteArray() {
      return bytes.toByteArray();
    }
  }

  static byte[] utf8(String what, String s) {
    try {
      ByteBuffer b =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(s));
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new ImageException(
          ImageException.MALFORMED,
          what + " is not valid Unicode (a lone surrogate?); it cannot be written as UTF-8",
          e);
    }
  }

  static byte[] encodeCompatibility(Compatibility c, StackImage.Limits limits) {
    Out out = new Out(limits, "COMPATIBILITY");
    Map<String, String> all = new LinkedHashMap<>();
    all.put(StackImageDescriptor.KEY_JAVET_VERSION, c.javetVersion());
    all.put(StackImageDescriptor.KEY_V8_VERSION, c.v8Version());
    all.put(StackImageDescriptor.KEY_OS, c.os());
    all.put(StackImageDescriptor.KEY_ARCH, c.arch());
    all.put(StackImageDescriptor.KEY_V8_FLAGS, c.v8Flags());
    all.put(StackImageDescriptor.KEY_ABI_VERSION, Integer.toString(c.abiVersion()));
    all.putAll(c.extra());
    out.u32(all.size());
    for (Map.Entry<String, String> e : all.entrySet()) {
      out.str("key", e.getKey());
      out.str("value of " + e.getKey(), e.getValue());
    }
    return out.toByteArray();
  }

  static byte[] encodeRegions(List<RegionDescriptor> regions, StackImage.Limits limits) {
    Out out = new Out(limits, "REGION_DESCRIPTORS");
    out.u32(regions.size());
    for (RegionDescriptor r : regions) {
      out.str("region name", r.name());
      out.u64(r.size());
      out.u32(r.backing().code());
      out.u32(r.rights());
    }
    return out.toByteArray();
  }

  static byte[] encodeCapabilities(List<CapabilityEntry> caps, StackImage.Limits limits) {
    Out out = new Out(limits, "CAPABILITIES");
    out.u32(caps.size());
    for (CapabilityEntry c : caps) {
      out.u32(c.component());
      out.str("env name", c.envName());
      out.str("kind", c.kind());
      out.str("target", c.target());
      out.u32(Integer.toUnsignedLong(c.rights()));
    }
    return out.toByteArray();
  }

  static byte[] encodeComponentOrder(List<String> names, StackImage.Limits limits) {
    Out out = new Out(limits, "COMPONENT_ORDER");
    out.u32(names.size());
    for (int i = 0; i < names.size(); i++) {
      out.str("component " + i + " name", names.get(i));
    }
    return out.toByteArray();
  }

  // ---------------------------------------------------------------- decoding

  /** A bounded little-endian cursor over one section; every read checks what remains. */
  static final class In {
    private final ByteBuffer buf;
    private final StackImage.Limits limits;
    private final String where;

    In(ByteBuffer section, StackImage.Limits limits, String where) {
      this.buf = section.slice().order(ByteOrder.LITTLE_ENDIAN);
      this.limits = limits;
      this.where = where;
    }

    /** Names the section and a byte offset in it, for messages. */
    private String at(int offset) {
      return where + " at section offset " + offset;
    }

    private void need(long n, String what) {
      if (n > buf.remaining()) {
        throw new ImageException(
            ImageException.BOUNDS,
            at(buf.position()) + ": " + what + " needs " + n + " bytes but only " + buf.remaining()
                + " remain; the section is malformed");
      }
    }

    long u32(String what) {
      need(4, what);
      return Integer.toUnsignedLong(buf.getInt());
    }

    long u64(String what) {
      int start = buf.position();
      need(8, what);
      long v = buf.getLong();
      if (v < 0) {
        throw new ImageException(
            ImageException.BOUNDS, at(start) + ": " + what + " is " + Long.toUnsignedString(v)
                + ", beyond any file; the section is malformed");
      }
      return v;
    }

    /** A count of entries each at least {@code minEntryBytes} long, checked before use. */
    int count(String what, int minEntryBytes) {
      int start = buf.position();
      long n = u32(what);
      if (n > limits.maxEntries()) {
        throw new ImageException(
            ImageException.TOO_LARGE,
            at(start) + ": " + what + " is " + n + ", more than the limit of " + limits.maxEntries());
      }
      if (n * minEntryBytes > buf.remaining()) {
        throw new ImageException(
            ImageException.BOUNDS,
            at(start) + ": " + what + " is " + n + " but only " + buf.remaining()
                + " bytes remain in the section; the section is malformed");
      }
      return (int) n;
    }

    String str(String what) {
      int start = buf.position();
      long n = u32(what + " length");
      if (n > limits.maxStringBytes()) {
        throw new ImageException(
            ImageException.TOO_LARGE,
            at(start) + ": " + what + " is " + n + " bytes, more than the limit of "
                + limits.maxStringBytes());
      }
      need(n, what);
      ByteBuffer b = buf.slice();
      b.limit((int) n);
      buf.position(buf.position() + (int) n);
      return decodeUtf8(b, at(start) + ": " + what);
    }

    ByteBuffer bytes(String what, long n) {
      need(n, what);
      ByteBuffer b = buf.slice();
      b.limit((int) n);
      buf.position(buf.position() + (int) n);
      return b.asReadOnlyBuffer();
    }

    void end() {
      if (buf.hasRemaining()) {
        throw new ImageException(
            ImageException.MALFORMED,
            at(buf.position()) + ": " + buf.remaining() + " unexpected bytes after the last entry");
      }
    }

    /** Offset of the next byte, from the start of the section. */
    int position() {
      return buf.position();
    }

    ImageException malformed(String message) {
      return new ImageException(ImageException.MALFORMED, where + ": " + message);
    }

    /** As {@link #malformed} for the entry that starts at section offset {@code offset}. */
    ImageException malformedAt(int offset, String message) {
      return new ImageException(ImageException.MALFORMED, at(offset) + ": " + message);
    }
  }

  static String decodeUtf8(ByteBuffer b, String what) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(b.duplicate())
          .toString();
    } catch (CharacterCodingException e) {
      throw new ImageException(
          ImageException.MALFORMED, what + " is not valid UTF-8; the image is corrupt", e);
    }
  }

  static Compatibility decodeCompatibility(In in) {
    int n = in.count("key/value count", MIN_KV_BYTES);
    Map<String, String> all = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      int at = in.position();
      String key = in.str("key " + i);
      String value = in.str("value of " + key);
      if (all.put(key, value) != null) {
        throw in.malformedAt(at, "key " + key + " appears twice");
      }
    }
    in.end();
    String[] required = {
      StackImageDescriptor.KEY_JAVET_VERSION, StackImageDescriptor.KEY_V8_VERSION,
      StackImageDescriptor.KEY_OS, StackImageDescriptor.KEY_ARCH,
      StackImageDescriptor.KEY_V8_FLAGS, StackImageDescriptor.KEY_ABI_VERSION
    };
    for (String key : required) {
      if (!all.containsKey(key)) {
        throw in.malformed("required key " + key + " is missing");
      }
    }
    String abiText = all.get(StackImageDescriptor.KEY_ABI_VERSION);
    int abi;
    // Digits only and short: Integer.parseInt would also accept "+1" and "-0".
    if (abiText.isEmpty() || abiText.length() > 9 || !abiText.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw in.malformed("abi.version \"" + abiText + "\" is not a decimal number");
    }
    abi = Integer.parseInt(abiText);
    Map<String, String> extra = new LinkedHashMap<>(all);
    extra.keySet().removeIf(Compatibility::isStandardKey);
    return new Compatibility(
        all.get(StackImageDescriptor.KEY_JAVET_VERSION),
        all.get(StackImageDescriptor.KEY_V8_VERSION),
        all.get(StackImageDescriptor.KEY_OS),
        all.get(StackImageDescriptor.KEY_ARCH),
        all.get(StackImageDescriptor.KEY_V8_FLAGS),
        abi,
        extra);
  }

  static List<RegionDescriptor> decodeRegions(In in, StackImage.Limits limits) {
    int n = in.count("region count", MIN_REGION_BYTES);
    List<RegionDescriptor> out = new ArrayList<>(n);
    Set<String> names = new HashSet<>();
    for (int i = 0; i < n; i++) {
      int at = in.position();
      String name = in.str("region " + i + " name");
      long size = in.u64("region " + name + " size");
      long backingCode = in.u32("region " + name + " backing");
      long rights = in.u32("region " + name + " rights");
      checkRegion(i, name, size, backingCode, rights, limits, names, m -> in.malformedAt(at, m));
      out.add(new RegionDescriptor(name, size, RegionDescriptor.Backing.fromCode((int) backingCode), (int) rights));
    }
    in.end();
    return List.copyOf(out);
  }

  /** Checks shared by reader and writer, so both apply the same rules to a region descriptor. */
  static void checkRegion(
      int index,
      String name,
      long size,
      long backingCode,
      long rights,
      StackImage.Limits limits,
      Set<String> seenNames,
      Function<String, ImageException> malformed) {
    if (name.isEmpty()) {
      throw malformed.apply("region " + index + " has an empty name");
    }
    if (!seenNames.add(name)) {
      throw malformed.apply("region name " + name + " appears twice");
    }
    if (size > limits.maxRegionBytes()) {
      throw new ImageException(
          ImageException.TOO_LARGE,
          "region " + name + " is " + size + " bytes, more than the limit of "
              + limits.maxRegionBytes() + " bytes; raise the limit if this region is expected");
    }
    if (RegionDescriptor.Backing.fromCode((int) backingCode) == null || backingCode > Integer.MAX_VALUE) {
      throw malformed.apply("region " + name + " has unknown backing code " + backingCode);
    }
    long known = StackImageDescriptor.RIGHT_READ | StackImageDescriptor.RIGHT_WRITE;
    if ((rights & ~known) != 0) {
      throw malformed.apply("region " + name + " has unknown rights bits 0x" + Long.toHexString(rights));
    }
  }

  static List<CapabilityEntry> decodeCapabilities(In in, int componentCount) {
    int n = in.count("capability count", MIN_CAPABILITY_BYTES);
    List<CapabilityEntry> out = new ArrayList<>(n);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < n; i++) {
      int at = in.position();
      long component = in.u32("capability " + i + " component");
      String env = in.str("capability " + i + " env name");
      String kind = in.str("capability " + i + " kind");
      String target = in.str("capability " + i + " target");
      long rights = in.u32("capability " + i + " rights");
      checkCapability(i, component, env, kind, componentCount, seen, m -> in.malformedAt(at, m));
      out.add(new CapabilityEntry((int) component, env, kind, target, (int) rights));
    }
    in.end();
    return List.copyOf(out);
  }

  static void checkCapability(
      int index,
      long component,
      String env,
      String kind,
      int componentCount,
      Set<String> seen,
      Function<String, ImageException> malformed) {
    if (component >= componentCount) {
      throw malformed.apply(
          "capability " + index + " (" + env + ") belongs to component " + component
              + " but the image has " + componentCount + " component context(s)");
    }
    if (env.isEmpty() || kind.isEmpty()) {
      throw malformed.apply("capability " + index + " has an empty env name or kind");
    }
    if (!seen.add(component + "\u0000" + env)) {
      throw malformed.apply("component " + component + " has env." + env + " twice");
    }
  }

  static List<String> decodeComponentOrder(In in) {
    int n = in.count("component count", MIN_NAME_BYTES);
    List<String> out = new ArrayList<>(n);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < n; i++) {
      int at = in.position();
      String name = in.str("component " + i + " name");
      checkComponentName(i, name, seen, m -> in.malformedAt(at, m));
      out.add(name);
    }
    in.end();
    return List.copyOf(out);
  }

  /** Checks shared by reader and writer: a component name is non-empty and names one context. */
  static void checkComponentName(
      int index, String name, Set<String> seen, Function<String, ImageException> malformed) {
    if (name.isEmpty()) {
      throw malformed.apply("component " + index + " has an empty name");
    }
    if (!seen.add(name)) {
      throw malformed.apply("component name " + name + " appears twice (components " + index + " and an earlier one)");
    }
  }
}
