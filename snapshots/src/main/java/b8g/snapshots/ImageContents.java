package b8g.snapshots;

import b8g.errors.Printable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * What the sections of an image say, once the reader has verified the file around them (bounds,
 * overlaps, padding, checksums): which sections there are (exactly one COMPATIBILITY and one
 * COMPONENT_ORDER; at most one MANIFEST, REGION_RECORDS, CAPABILITIES), each small section
 * decoded, and the cross references checked: CONTEXT ids 0..n-1 for the n names of
 * COMPONENT_ORDER, one REGION_BYTES section of exactly its size per region record,
 * capabilities naming existing components. Optional sections of unknown types are skipped.
 *
 * @param compatibility what the image needs of a host (not yet compared with one)
 * @param manifest the MANIFEST text, or empty
 * @param componentNames COMPONENT_ORDER: the i-th names the component of CONTEXT id i
 * @param contexts the CONTEXT sections by id
 * @param regions the region records, in region index order
 * @param regionSections the REGION_BYTES sections by region index
 * @param capabilities the capability tables by name
 * @param contextLengths per CONTEXT id, the blob's length: as stored, or as declared by a deflated
 *     section (checked against the limits, each and together, before anything is inflated;
 *     inflating happens only when the blob is asked for, {@link StackImage#contextBytes})
 */
record ImageContents(
    Compatibility compatibility,
    String manifest,
    List<String> componentNames,
    List<SectionEntry> contexts,
    List<RegionRecord> regions,
    List<SectionEntry> regionSections,
    List<CapabilityEntry> capabilities,
    long[] contextLengths) {

  ImageContents {
    componentNames = List.copyOf(componentNames);
    contexts = List.copyOf(contexts);
    regions = List.copyOf(regions);
    regionSections = List.copyOf(regionSections);
    capabilities = List.copyOf(capabilities);
  }

  /**
   * Sorts the verified {@code sections} of the image in {@code buf} by type, decodes the small
   * ones and checks their cross references. {@code at} prefixes every message (the source).
   */
  static ImageContents parse(ByteBuffer buf, List<SectionEntry> sections, StackImage.Limits limits, String at) {
    SectionEntry compatEntry = null;
    SectionEntry manifestEntry = null;
    SectionEntry orderEntry = null;
    SectionEntry regionsEntry = null;
    SectionEntry capsEntry = null;
    List<SectionEntry> contextList = new ArrayList<>();
    List<SectionEntry> regionBytesList = new ArrayList<>();
    for (SectionEntry s : sections) {
      SectionType t = s.knownType();
      if (t == null) {
        continue; // optional unknown section (required unknown and retired ones were refused)
      }
      switch (t) {
        case COMPATIBILITY -> compatEntry = single(at, compatEntry, s);
        case MANIFEST -> manifestEntry = single(at, manifestEntry, s);
        case COMPONENT_ORDER -> orderEntry = single(at, orderEntry, s);
        case REGION_RECORDS -> regionsEntry = single(at, regionsEntry, s);
        case CAPABILITIES -> capsEntry = single(at, capsEntry, s);
        case CONTEXT -> contextList.add(s);
        case REGION_BYTES -> regionBytesList.add(s);
      }
    }
    if (compatEntry == null) {
      throw new ImageException(
          ImageException.MALFORMED, at + "image has no COMPATIBILITY section; it cannot be restored safely");
    }
    Compatibility compat = SectionCodec.decodeCompatibility(in(buf, compatEntry, limits, at));

    if (orderEntry == null) {
      throw new ImageException(
          ImageException.MALFORMED,
          at + "image has no COMPONENT_ORDER section, so its " + contextList.size()
              + " CONTEXT section(s) cannot be matched to components");
    }
    List<String> componentNames = SectionCodec.decodeComponentOrder(in(buf, orderEntry, limits, at));
    List<SectionEntry> contexts = byId(at, contextList, componentNames.size(), "component");
    List<RegionRecord> regions =
        regionsEntry == null ? List.of() : SectionCodec.decodeRegions(in(buf, regionsEntry, limits, at), limits);
    List<SectionEntry> regionSections = byId(at, regionBytesList, regions.size(), "region");
    for (int r = 0; r < regions.size(); r++) {
      if (regionSections.get(r).length() != regions.get(r).size()) {
        throw new ImageException(
            ImageException.MALFORMED,
            at + regionSections.get(r).describe() + " holds " + regionSections.get(r).length()
                + " bytes but region " + Printable.quoted(regions.get(r).name()) + " is " + regions.get(r).size()
                + " bytes");
      }
    }
    List<CapabilityEntry> caps =
        capsEntry == null
            ? List.of()
            : SectionCodec.decodeCapabilities(in(buf, capsEntry, limits, at), contexts.size());
    String manifest = "";
    if (manifestEntry != null) {
      manifest = SectionIn.decodeUtf8(slice(buf, manifestEntry), at + manifestEntry.describe());
    }
    // Nothing is inflated here: the declared lengths are checked, each and together, so a small
    // image cannot make a restore allocate more than the limits; StackImage.contextBytes inflates.
    long[] contextLengths = new long[contexts.size()];
    long total = 0;
    for (int i = 0; i < contexts.size(); i++) {
      SectionEntry s = contexts.get(i);
      contextLengths[i] =
          s.deflated()
              ? DeflatedSection.declaredLength(slice(buf, s), limits.maxContextBytes(), at + s.describe())
              : s.length();
      total += contextLengths[i];
      if (total > limits.maxTotalContextBytes()) {
        throw new ImageException(
            ImageException.TOO_LARGE,
            at + "the context blobs up to " + s.describe() + " come to " + total + " bytes (inflated), more"
                + " than the limit of " + limits.maxTotalContextBytes() + " bytes for all of them; raise the"
                + " limit if the image is expected to be this large");
      }
    }
    return new ImageContents(compat, manifest, componentNames, contexts, regions, regionSections, caps, contextLengths);
  }

  /**
   * A private copy of section {@code s}, its checksum verified on the copy (the buffer may be a
   * mapped file that another process rewrites in place after it was checked).
   */
  static byte[] verifiedCopy(ByteBuffer buf, SectionEntry s, String at) {
    byte[] copy = new byte[(int) s.length()];
    slice(buf, s).get(copy);
    int crc = Checksums.of(ByteBuffer.wrap(copy), 0, copy.length);
    if (crc != s.checksum()) {
      throw new ImageException(
          ImageException.CHECKSUM,
          at + s.describe() + " changed after the image was checked (stored " + Checksums.hex(s.checksum())
              + ", now " + Checksums.hex(crc) + "); is another process writing the file?");
    }
    return copy;
  }

  private static SectionEntry single(String at, SectionEntry seen, SectionEntry s) {
    if (seen != null) {
      throw new ImageException(
          ImageException.MALFORMED,
          at + "image has two " + s.typeName() + " sections (" + seen.position() + " and "
              + s.position() + "); there must be at most one");
    }
    return s;
  }

  /** Orders sections by id and requires ids to be exactly 0..expected-1, each once. */
  private static List<SectionEntry> byId(String at, List<SectionEntry> list, int expected, String what) {
    if (list.size() != expected) {
      throw new ImageException(
          ImageException.MALFORMED,
          at + "image has " + list.size() + " " + (list.isEmpty() ? "" : list.get(0).typeName() + " ")
              + "section(s) for " + expected + " " + what + "(s)");
    }
    SectionEntry[] out = new SectionEntry[expected];
    for (SectionEntry s : list) {
      long id = Integer.toUnsignedLong(s.id());
      if (id >= expected || out[(int) id] != null) {
        throw new ImageException(
            ImageException.MALFORMED,
            at + s.describe() + " names " + what + " " + id + ", which is out of range or taken;"
                + " expected each of 0.." + (expected - 1) + " once");
      }
      out[(int) id] = s;
    }
    return List.of(out);
  }

  private static SectionIn in(ByteBuffer buf, SectionEntry s, StackImage.Limits limits, String at) {
    return new SectionIn(slice(buf, s), limits, at + s.describe());
  }

  /** The bytes of section {@code s} of the image in {@code buf}, little-endian. */
  static ByteBuffer slice(ByteBuffer buf, SectionEntry s) {
    ByteBuffer d = buf.duplicate();
    d.position((int) s.offset()).limit((int) (s.offset() + s.length()));
    return d.slice().order(ByteOrder.LITTLE_ENDIAN);
  }
}
