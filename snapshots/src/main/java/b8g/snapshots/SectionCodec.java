package b8g.snapshots;

import b8g.errors.Printable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The content layout of the small structured sections (COMPATIBILITY, REGION_RECORDS,
 * CAPABILITIES, COMPONENT_ORDER): for each, its encoder, its decoder and the rules on its entries
 * that the writer and the reader both apply, side by side so the writer cannot produce what the
 * reader rejects. The bytes themselves go through {@link SectionOut} and {@link SectionIn}, which
 * bound every length and count against hostile input. A name or value read from an image goes into
 * a message only through {@link Printable#quoted}: the image may be hostile, the message is read in
 * a terminal.
 */
final class SectionCodec {
  private SectionCodec() {}

  // Smallest encoded entry of each table, used to bound a count by the bytes that remain.
  private static final int MIN_KV_BYTES = 8;
  private static final int MIN_REGION_BYTES = 4 + 8 + 4 + 4;
  private static final int MIN_CAPABILITY_BYTES = 4 + 4 + 4 + 4 + 4;
  private static final int MIN_NAME_BYTES = 4;

  static byte[] encodeCompatibility(Compatibility c, StackImage.Limits limits) {
    SectionOut out = new SectionOut(limits, "COMPATIBILITY");
    Map<String, String> all = new LinkedHashMap<>();
    all.put(StackImageDescriptor.KEY_ENGINE, c.engine());
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

  static byte[] encodeRegions(List<RegionRecord> regions, StackImage.Limits limits) {
    SectionOut out = new SectionOut(limits, "REGION_RECORDS");
    out.u32(regions.size());
    for (RegionRecord r : regions) {
      out.str("region name", r.name());
      out.u64(r.size());
      out.u32(r.backing().code());
      out.u32(r.rights());
    }
    return out.toByteArray();
  }

  static byte[] encodeCapabilities(List<CapabilityEntry> caps, StackImage.Limits limits) {
    SectionOut out = new SectionOut(limits, "CAPABILITIES");
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
    SectionOut out = new SectionOut(limits, "COMPONENT_ORDER");
    out.u32(names.size());
    for (int i = 0; i < names.size(); i++) {
      out.str("component " + i + " name", names.get(i));
    }
    return out.toByteArray();
  }

  static Compatibility decodeCompatibility(SectionIn in) {
    int n = in.count("key/value count", MIN_KV_BYTES);
    Map<String, String> all = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      int at = in.position();
      String key = in.str("key " + i);
      String value = in.str("value of " + Printable.quoted(key));
      if (all.put(key, value) != null) {
        throw in.malformedAt(at, "key " + Printable.quoted(key) + " appears twice");
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
      throw in.malformed("abi.version " + Printable.quoted(abiText) + " is not a decimal number");
    }
    abi = Integer.parseInt(abiText);
    Map<String, String> extra = new LinkedHashMap<>(all);
    extra.keySet().removeIf(Compatibility::isStandardKey);
    return new Compatibility(
        all.getOrDefault(StackImageDescriptor.KEY_ENGINE, Compatibility.ENGINE_BEFORE_RECORDED),
        all.get(StackImageDescriptor.KEY_JAVET_VERSION),
        all.get(StackImageDescriptor.KEY_V8_VERSION),
        all.get(StackImageDescriptor.KEY_OS),
        all.get(StackImageDescriptor.KEY_ARCH),
        all.get(StackImageDescriptor.KEY_V8_FLAGS),
        abi,
        extra);
  }

  static List<RegionRecord> decodeRegions(SectionIn in, StackImage.Limits limits) {
    int n = in.count("region count", MIN_REGION_BYTES);
    List<RegionRecord> out = new ArrayList<>(n);
    Set<String> names = new HashSet<>();
    for (int i = 0; i < n; i++) {
      int at = in.position();
      String name = in.str("region " + i + " name");
      String quoted = Printable.quoted(name);
      long size = in.u64("region " + quoted + " size");
      long backingCode = in.u32("region " + quoted + " backing");
      long rights = in.u32("region " + quoted + " rights");
      checkRegion(i, name, size, backingCode, rights, limits, names, m -> in.malformedAt(at, m));
      out.add(new RegionRecord(name, size, RegionRecord.Backing.fromCode((int) backingCode), (int) rights));
    }
    in.end();
    return List.copyOf(out);
  }

  /** Checks shared by reader and writer, so both apply the same rules to a region record. */
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
      throw malformed.apply("region name " + Printable.quoted(name) + " appears twice");
    }
    if (size > limits.maxRegionBytes()) {
      throw new ImageException(
          ImageException.TOO_LARGE,
          "region " + Printable.quoted(name) + " is " + size + " bytes, more than the limit of "
              + limits.maxRegionBytes() + " bytes; raise the limit if this region is expected");
    }
    if (RegionRecord.Backing.fromCode((int) backingCode) == null || backingCode > Integer.MAX_VALUE) {
      throw malformed.apply("region " + Printable.quoted(name) + " has unknown backing code " + backingCode);
    }
    long known = StackImageDescriptor.RIGHT_READ | StackImageDescriptor.RIGHT_WRITE;
    if ((rights & ~known) != 0) {
      throw malformed.apply("region " + Printable.quoted(name) + " has unknown rights bits 0x" + Long.toHexString(rights));
    }
  }

  static List<CapabilityEntry> decodeCapabilities(SectionIn in, int componentCount) {
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
          "capability " + index + " (" + Printable.quoted(env) + ") belongs to component " + component
              + " but the image has " + componentCount + " component context(s)");
    }
    if (env.isEmpty() || kind.isEmpty()) {
      throw malformed.apply("capability " + index + " has an empty env name or kind");
    }
    if (!seen.add(component + "\u0000" + env)) {
      throw malformed.apply("component " + component + " has the env name " + Printable.quoted(env) + " twice");
    }
  }

  static List<String> decodeComponentOrder(SectionIn in) {
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
      throw malformed.apply("component name " + Printable.quoted(name) + " appears twice (components " + index + " and an earlier one)");
    }
  }
}
