package b8g.snapshots;

import b8g.errors.Printable;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a stack image needs from the host that restores it. V8 aborts the whole process when it
 * is handed a context blob from another V8 version (and does not verify blob checksums in release
 * builds), so {@link #requireCompatibleWith} is what keeps the host alive: it runs before any blob
 * leaves this module.
 *
 * @param engine which of Javet's V8 builds took the blob: {@code v8-i18n} (with ICU) or {@code v8}
 *     (without, the only one before images recorded it)
 * @param javetVersion Javet release, for example {@code 5.0.6}
 * @param v8Version V8 version string exactly as V8 reports it, for example {@code 14.7.173.20}
 * @param os operating system the blob was taken on, for example {@code linux}; compared by {@link
 *     #canonicalOs}
 * @param arch CPU architecture the blob was taken on, for example {@code x86_64}; compared by {@link
 *     #canonicalArch}, so an image that recorded Java's {@code amd64} matches a host that says
 *     {@code x86_64}
 * @param v8Flags the V8 flags that shape a snapshot, in a canonical order (may be empty)
 * @param abiVersion b8g platform ABI version: the JS prelude and stub layout the blob contains
 * @param extra further key/value pairs (written by newer versions); kept, shown, not compared
 */
public record Compatibility(
    String engine,
    String javetVersion,
    String v8Version,
    String os,
    String arch,
    String v8Flags,
    int abiVersion,
    Map<String, String> extra) {

  /** What images written before the engine was recorded were taken with: V8 without ICU. */
  public static final String ENGINE_BEFORE_RECORDED = "v8";

  public Compatibility {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(javetVersion, "javetVersion");
    Objects.requireNonNull(v8Version, "v8Version");
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(v8Flags, "v8Flags");
    if (abiVersion < 0) {
      throw new IllegalArgumentException("abiVersion must be >= 0, was " + abiVersion);
    }
    extra = Map.copyOf(new TreeMap<>(Objects.requireNonNull(extra, "extra")));
    for (String key : extra.keySet()) {
      if (isStandardKey(key)) {
        throw new IllegalArgumentException("extra must not repeat the standard key " + key);
      }
    }
  }

  /** A record without extra keys. */
  public Compatibility(
      String engine, String javetVersion, String v8Version, String os, String arch, String v8Flags, int abiVersion) {
    this(engine, javetVersion, v8Version, os, arch, v8Flags, abiVersion, Map.of());
  }

  /**
   * Throws {@link ImageException} ({@value ImageException#INCOMPATIBLE}) unless OS, architecture
   * (both by their canonical names), engine build, V8 version, Javet version, ABI version and V8
   * flags all equal {@code expected}'s. The message names the field (for OS and architecture the
   * COMPATIBILITY key), what the image holds and what this host has.
   */
  public void requireCompatibleWith(Compatibility expected) {
    Objects.requireNonNull(expected, "expected");
    // The machine first: an image carried to another OS or CPU fails every check below as well
    // (or, built from the same b8g release, none of them), and V8 would crash on its blobs either
    // way; "another machine" is the cause worth naming. Then the engine build and the V8 version:
    // they are the mismatches that would abort the process. Both builds of one Javet release carry
    // the same V8 version, so only the engine tells an image of the build without ICU from one
    // with it.
    mustBeThisMachine("OS", StackImageDescriptor.KEY_OS, os, canonicalOs(os), canonicalOs(expected.os));
    mustBeThisMachine(
        "CPU architecture", StackImageDescriptor.KEY_ARCH, arch, canonicalArch(arch), canonicalArch(expected.arch));
    if (!engine.equals(expected.engine)) {
      throw new ImageException(
          ImageException.INCOMPATIBLE,
          "stack image was taken with the V8 build " + describe(engine) + " but this host runs "
              + describe(expected.engine) + "; V8 cannot restore it here. Restore it with a host of"
              + " that build, or take a new snapshot with this one.");
    }
    mustEqual("V8 version", v8Version, expected.v8Version);
    mustEqual("Javet version", javetVersion, expected.javetVersion);
    mustEqual("b8g ABI version", Integer.toString(abiVersion), Integer.toString(expected.abiVersion));
    mustEqual("V8 flags", v8Flags, expected.v8Flags);
  }

  /**
   * The name b8g records and compares for a CPU architecture, from Java's {@code os.arch} or
   * {@code uname -m}: the names one architecture goes by map to one ({@code amd64}, {@code x86-64},
   * {@code x64} to {@code x86_64}; {@code arm64} to {@code aarch64}; {@code i386}..{@code i686} to
   * {@code x86}); any other is lower-cased and kept, so two unknown names match only when equal.
   */
  public static String canonicalArch(String arch) {
    String a = arch.trim().toLowerCase(Locale.ROOT);
    return switch (a) {
      case "amd64", "x86_64", "x86-64", "x64", "em64t" -> "x86_64";
      case "aarch64", "arm64" -> "aarch64";
      case "x86", "i386", "i486", "i586", "i686" -> "x86";
      case "ppc64le", "powerpc64le" -> "ppc64le";
      default -> a;
    };
  }

  /**
   * The name b8g records and compares for an operating system, from Java's {@code os.name}:
   * {@code linux}, {@code macos} (for {@code Mac OS X}, {@code Darwin}), {@code windows} (any
   * {@code Windows ...}); any other lower-cased and kept.
   */
  public static String canonicalOs(String os) {
    String o = os.trim().toLowerCase(Locale.ROOT);
    if (o.startsWith("mac") || o.equals("darwin")) {
      return "macos";
    }
    if (o.startsWith("windows")) {
      return "windows";
    }
    return o;
  }

  private static void mustBeThisMachine(String what, String key, String inImage, String canonical, String here) {
    if (!canonical.equals(here)) {
      throw new ImageException(
          ImageException.INCOMPATIBLE,
          "stack image was taken on " + what + " " + Printable.quoted(inImage)
              + (canonical.equals(inImage) ? "" : " (" + Printable.of(canonical, Printable.DEFAULT_MAX) + ")")
              + " (COMPATIBILITY key \"" + key + "\") but this machine is " + Printable.quoted(here) + "; V8 context"
              + " blobs are specific to the OS and CPU architecture they were taken on, so it cannot be"
              + " restored here. Restore it on a machine with that " + what + ", or take a new snapshot on this one.");
    }
  }

  private static String describe(String engine) {
    return switch (engine) {
      case "v8-i18n" -> "\"v8-i18n\" (with ICU)";
      case "v8" -> "\"v8\" (without ICU)";
      default -> Printable.quoted(engine);
    };
  }

  private static void mustEqual(String what, String inImage, String onHost) {
    if (!inImage.equals(onHost)) {
      throw new ImageException(
          ImageException.INCOMPATIBLE,
          "stack image was taken with "
              + what
              + " "
              + Printable.quoted(inImage)
              + " but this host has "
              + Printable.quoted(onHost)
              + "; V8 cannot restore it here. Restore it with a host of the same versions,"
              + " or take a new snapshot with this one.");
    }
  }

  static boolean isStandardKey(String key) {
    return key.equals(StackImageDescriptor.KEY_ENGINE)
        || key.equals(StackImageDescriptor.KEY_JAVET_VERSION)
        || key.equals(StackImageDescriptor.KEY_V8_VERSION)
        || key.equals(StackImageDescriptor.KEY_OS)
        || key.equals(StackImageDescriptor.KEY_ARCH)
        || key.equals(StackImageDescriptor.KEY_V8_FLAGS)
        || key.equals(StackImageDescriptor.KEY_ABI_VERSION);
  }
}
