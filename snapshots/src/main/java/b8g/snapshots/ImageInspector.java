package b8g.snapshots;

import b8g.errors.Printable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Describes a validated {@link StackImage} for {@code b8g image inspect FILE}: as a JSON-shaped
 * map (string keys; values are strings, numbers, booleans, lists and maps, in a stable order) and
 * as text for a terminal. Shows structure, sizes and checksums; never section contents other
 * than the compatibility record and names (an image holds no secrets, but blobs are not for
 * terminals). The text shows every string read from the image through {@link Printable} (control
 * and bidi characters escaped): the image may be hostile, the text is read in a terminal. The map
 * holds them as they are, for a JSON writer to escape.
 */
public final class ImageInspector {
  private ImageInspector() {}

  /** The image as a JSON-shaped map, for {@code --json} output and for scripts. */
  public static Map<String, Object> describe(StackImage image) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("source", image.source());
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("format", image.formatMajor() + "." + image.formatMinor());
    header.put("headerLength", image.headerLength());
    header.put("entryLength", image.entryLength());
    header.put("sectionCount", image.sections().size());
    header.put("flags", Checksums.hex(image.flags()));
    header.put("fileLength", image.fileLength());
    header.put("headerChecksum", Checksums.hex(image.headerChecksum()));
    header.put("tableChecksum", Checksums.hex(image.tableChecksum()));
    out.put("header", header);

    List<Object> sections = new ArrayList<>();
    for (SectionEntry s : image.sections()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("index", s.position());
      m.put("type", s.typeName());
      m.put("required", s.required());
      m.put("deflated", s.deflated());
      m.put("id", Integer.toUnsignedLong(s.id()));
      m.put("offset", s.offset());
      m.put("length", s.length());
      m.put("checksum", Checksums.hex(s.checksum()));
      sections.add(m);
    }
    out.put("sections", sections);

    Compatibility c = image.compatibility();
    Map<String, Object> compat = new LinkedHashMap<>();
    compat.put("engine", c.engine());
    compat.put("javetVersion", c.javetVersion());
    compat.put("v8Version", c.v8Version());
    compat.put("os", c.os());
    compat.put("arch", c.arch());
    compat.put("v8Flags", c.v8Flags());
    compat.put("abiVersion", c.abiVersion());
    compat.put("extra", new LinkedHashMap<>(c.extra()));
    compat.put("checkedAgainstHost", image.compatibilityChecked());
    out.put("compatibility", compat);

    long regionBytes = 0;
    List<Object> regions = new ArrayList<>();
    for (RegionRecord r : image.regions()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", r.name());
      m.put("size", r.size());
      m.put("backing", r.backing().name());
      m.put("rights", rights(r.rights()));
      regions.add(m);
      regionBytes += r.size();
    }
    out.put("regions", regions);
    long contextBytes = 0;
    for (SectionEntry s : image.sections()) {
      if (s.knownType() == SectionType.CONTEXT) {
        contextBytes += s.length();
      }
    }
    out.put("components", new ArrayList<Object>(image.componentNames()));
    List<Object> caps = new ArrayList<>();
    for (CapabilityEntry e : image.capabilities()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("component", e.component());
      m.put("env", e.envName());
      m.put("kind", e.kind());
      m.put("target", e.target());
      m.put("rights", Checksums.hex(e.rights()));
      caps.add(m);
    }
    out.put("capabilities", caps);
    Map<String, Object> sizes = new LinkedHashMap<>();
    sizes.put("components", image.componentCount());
    sizes.put("contextBytes", contextBytes);
    sizes.put("regionBytes", regionBytes);
    sizes.put("manifestChars", image.manifest().length());
    sizes.put("fileBytes", image.fileLength());
    out.put("sizes", sizes);
    return out;
  }

  /** The image as text, one fact per line, for a terminal. */
  public static String text(StackImage image) {
    StringBuilder b = new StringBuilder();
    b.append("stack image ").append(image.source()).append('\n');
    b.append(String.format(
        "  format %d.%d, %d bytes, header %d bytes, %d sections, flags %s%n",
        image.formatMajor(), image.formatMinor(), image.fileLength(), image.headerLength(),
        image.sections().size(), Checksums.hex(image.flags())));
    b.append(String.format(
        "  checksums: header %s, table %s (all verified)%n",
        Checksums.hex(image.headerChecksum()), Checksums.hex(image.tableChecksum())));
    Compatibility c = image.compatibility();
    b.append(String.format(
        "  compatibility: engine %s, Javet %s, V8 %s, %s/%s, ABI %d, V8 flags %s%s%s%n",
        shown(c.engine()), shown(c.javetVersion()), shown(c.v8Version()), shown(c.os()), shown(c.arch()),
        c.abiVersion(), Printable.quoted(c.v8Flags()), c.extra().isEmpty() ? "" : ", extra " + extra(c),
        image.compatibilityChecked() ? " (matches this host)" : " (not checked against a host)"));
    b.append(String.format("  %-5s %-20s %-3s %6s %12s %12s  %s%n", "#", "type", "req", "id", "offset", "length", "crc32c"));
    for (SectionEntry s : image.sections()) {
      b.append(String.format(
          "  %-5d %-20s %-3s %6s %12d %12d  %s%s%n",
          s.position(), s.typeName(), s.required() ? "yes" : "no", Integer.toUnsignedString(s.id()),
          s.offset(), s.length(), Checksums.hex(s.checksum()), s.deflated() ? "  deflated" : ""));
    }
    for (RegionRecord r : image.regions()) {
      b.append(String.format("  region %s: %d bytes, %s, %s%n", shown(r.name()), r.size(), r.backing(), rights(r.rights())));
    }
    for (int i = 0; i < image.componentNames().size(); i++) {
      b.append(String.format("  component %d: %s%n", i, shown(image.componentNames().get(i))));
    }
    for (CapabilityEntry e : image.capabilities()) {
      b.append(String.format(
          "  capability: component %d env.%s = %s %s rights %s%n",
          e.component(), shown(e.envName()), shown(e.kind()), shown(e.target()), Checksums.hex(e.rights())));
    }
    b.append(String.format("  manifest: %d characters%n", image.manifest().length()));
    return b.toString();
  }

  /** A string of the image as the text shows it: as it is when printable, escaped otherwise. */
  private static String shown(String s) {
    return Printable.of(s, Printable.DEFAULT_MAX);
  }

  private static String extra(Compatibility c) {
    StringBuilder b = new StringBuilder("{");
    c.extra().forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append(Printable.quoted(k)).append('=').append(Printable.quoted(v)));
    return b.append('}').toString();
  }

  private static String rights(int rights) {
    String s = ((rights & StackImageDescriptor.RIGHT_READ) != 0 ? "r" : "-")
        + ((rights & StackImageDescriptor.RIGHT_WRITE) != 0 ? "w" : "-");
    return s;
  }
}
