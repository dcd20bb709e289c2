package b8g.registry;

import b8g.errors.Printable;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A b8g unit: a manifest plus the files it needs (component scripts, stack images), addressed by
 * relative paths. Immutable; {@link #files()} hands out copies.
 *
 * <p>What {@link #fromDirectory} packs (the rule, kept simple so it is obviously right): the
 * named manifest file, plus every regular file ending in {@code .js} or {@code .b8gi} anywhere
 * below the directory except inside {@code node_modules}, plus the files the caller names as
 * needed (the module graphs of the manifest's components, which the host reads: from
 * {@code node_modules} only what a component requires, with the package.json files that resolved
 * it). Other {@code .txtpb}/{@code .json} files are not packed (they may be other units'
 * manifests); hidden files and directories (name starting with {@code .}) and symbolic links are
 * skipped, so nothing outside the directory can be pulled in.
 *
 * <p>As an OCI artifact (see README.md): one config blob ({@link MediaTypes#UNIT_CONFIG}), one
 * layer per file in path order, each titled with its relative path.
 */
public final class Unit {
  private static final int MAX_FILES = 10_000;

  private final String name;
  private final String manifestFileName;
  private final TreeMap<String, byte[]> files;
  private final Map<String, String> annotations;

  private Unit(String name, String manifestFileName, Map<String, byte[]> files, Map<String, String> annotations) {
    checkName(name);
    this.name = name;
    this.manifestFileName = checkPath(manifestFileName);
    this.files = new TreeMap<>();
    files.forEach((p, b) -> this.files.put(checkPath(p), b.clone()));
    if (!this.files.containsKey(manifestFileName)) {
      throw new RegistryException(
          RegistryException.BAD_UNIT, "unit " + Printable.quoted(name) + " has no file " + Printable.quoted(manifestFileName) + " (its manifest)");
    }
    mediaTypeOf(manifestFileName, true);
    this.files.keySet().forEach(p -> mediaTypeOf(p, p.equals(manifestFileName)));
    if (this.files.size() > MAX_FILES) {
      throw new RegistryException(RegistryException.BAD_UNIT, "unit " + Printable.quoted(name) + " has more than " + MAX_FILES + " files");
    }
    this.annotations = Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
  }

  /**
   * A unit from files in memory. {@code files} maps relative paths ({@code /}-separated, no
   * {@code ..}) to contents and must contain {@code manifestFileName}.
   */
  public static Unit of(String name, String manifestFileName, Map<String, byte[]> files) {
    return new Unit(name, manifestFileName, files, Map.of(MediaTypes.ANNOTATION_CREATED, now()));
  }

  /**
   * Packs {@code dir} by the rule in the class comment. The unit's name is the directory's name;
   * {@code manifestFileName} is relative to {@code dir} and must end in {@code .txtpb} or {@code
   * .json}.
   */
  public static Unit fromDirectory(Path dir, String manifestFileName) {
    return fromDirectory(dir, manifestFileName, Set.of());
  }

  /**
   * As {@link #fromDirectory(Path, String)}, with {@code needed} (paths relative to {@code dir},
   * {@code /}-separated) packed too: regular files below {@code dir}, symbolic links resolved
   * (the host reads them so), each refused when it leaves {@code dir}.
   */
  public static Unit fromDirectory(Path dir, String manifestFileName, Set<String> needed) {
    Path root = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new RegistryException(RegistryException.NOT_FOUND, root + " is not a directory");
    }
    Path manifest = root.resolve(manifestFileName).normalize();
    if (!manifest.startsWith(root) || !Files.isRegularFile(manifest, LinkOption.NOFOLLOW_LINKS)) {
      throw new RegistryException(
          RegistryException.NOT_FOUND, "no manifest '" + manifestFileName + "' (a regular file) in " + root);
    }
    String manifestRel = rel(root, manifest);
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      List<Path> paths = new ArrayList<>();
      walk.filter(p -> !p.equals(root))
          .filter(p -> root.relativize(p).toString().chars().noneMatch(c -> c == '\\'))
          .filter(p -> !hiddenBelow(root, p) && !inNodeModules(root, p))
          .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .filter(p -> p.equals(manifest) || p.toString().endsWith(".js") || p.toString().endsWith(".b8gi"))
          .forEach(paths::add);
      for (Path p : paths) {
        files.put(rel(root, p), Files.readAllBytes(p));
      }
      Path realRoot = root.toRealPath();
      for (String n : needed) {
        Path p = root.resolve(checkPath(n)).normalize();
        if (!p.startsWith(root) || !Files.isRegularFile(p) || !p.toRealPath().startsWith(realRoot)) {
          throw new RegistryException(RegistryException.BAD_UNIT, "module file " + Printable.quoted(n) + " is not a regular file inside " + root);
        }
        files.put(n, Files.readAllBytes(p));
      }
    } catch (IOException e) {
      throw new RegistryException(RegistryException.IO, "cannot read unit directory " + root + ": " + e.getMessage(), e);
    }
    String name = root.getFileName() == null ? "unit" : root.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (!NAME.matcher(name).matches()) {
      name = "unit";
    }
    return new Unit(name, manifestRel, files, Map.of(MediaTypes.ANNOTATION_CREATED, now()));
  }

  private static boolean inNodeModules(Path root, Path p) {
    for (Path part : root.relativize(p)) {
      if (part.toString().equals("node_modules")) {
        return true;
      }
    }
    return false;
  }

  private static boolean hiddenBelow(Path root, Path p) {
    for (Path part : root.relativize(p)) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static String rel(Path root, Path p) {
    return root.relativize(p).toString().replace(java.io.File.separatorChar, '/');
  }

  private static String now() {
    return DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  }

  /** The same unit with one manifest annotation set (for example {@link MediaTypes#ANNOTATION_VERSION}). */
  public Unit withAnnotation(String key, String value) {
    Map<String, String> a = new LinkedHashMap<>(annotations);
    a.put(key, value);
    return new Unit(name, manifestFileName, files, a);
  }

  public String name() {
    return name;
  }

  /** Relative path of the unit's manifest file. */
  public String manifestFileName() {
    return manifestFileName;
  }

  /** Annotations of the unit's OCI manifest (created, version, source). */
  public Map<String, String> annotations() {
    return annotations;
  }

  /** Copies of all files, by relative path, in path order. */
  public Map<String, byte[]> files() {
    Map<String, byte[]> out = new LinkedHashMap<>();
    files.forEach((k, v) -> out.put(k, v.clone()));
    return out;
  }

  /** A copy of one file, or {@code null}. */
  public byte[] file(String path) {
    byte[] b = files.get(path);
    return b == null ? null : b.clone();
  }

  /**
   * Writes every file below {@code target} (created if missing), replacing files of the same name.
   * Paths were validated on construction; each target path is checked again to lie inside {@code
   * target}, and an existing symbolic link in the way is refused rather than followed.
   */
  public void extractTo(Path target) {
    Path root = target.toAbsolutePath().normalize();
    try {
      Files.createDirectories(root);
      for (Map.Entry<String, byte[]> e : files.entrySet()) {
        Path out = root.resolve(e.getKey()).normalize();
        if (!out.startsWith(root) || out.equals(root)) {
          throw new RegistryException(RegistryException.BAD_UNIT, "path '" + e.getKey() + "' leaves " + root);
        }
        for (Path p = out; !p.equals(root); p = p.getParent()) {
          if (Files.isSymbolicLink(p)) {
            throw new RegistryException(
                RegistryException.BAD_UNIT, "refusing to write through symbolic link " + p + " while extracting unit " + name);
          }
        }
        Files.createDirectories(out.getParent());
        Files.write(out, e.getValue(), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
      }
    } catch (IOException e) {
      throw new RegistryException(RegistryException.IO, "cannot extract unit " + name + " to " + root + ": " + e.getMessage(), e);
    }
  }

  // ---- OCI form ----

  /** The OCI form: blobs by digest (config and layers), the manifest bytes and its descriptor. */
  record Packed(Map<String, byte[]> blobs, byte[] manifest, Descriptor descriptor) {}

  Packed pack() {
    Map<String, byte[]> blobs = new LinkedHashMap<>();
    JsonObject config = new JsonObject();
    config.addProperty("name", name);
    config.addProperty("manifest", manifestFileName);
    config.addProperty("formatVersion", MediaTypes.UNIT_FORMAT_VERSION);
    byte[] configBytes = OciJson.bytes(config);
    Descriptor configDesc = new Descriptor(MediaTypes.UNIT_CONFIG, Digest.of(configBytes), configBytes.length);
    blobs.put(configDesc.digest(), configBytes);
    List<Descriptor> layers = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      String digest = Digest.of(e.getValue());
      blobs.put(digest, e.getValue());
      layers.add(new Descriptor(mediaTypeOf(e.getKey(), e.getKey().equals(manifestFileName)), digest,
          e.getValue().length, null, Map.of(MediaTypes.ANNOTATION_TITLE, e.getKey())));
    }
    byte[] manifest = OciJson.manifestBytes(MediaTypes.UNIT, configDesc, layers, null, annotations);
    return new Packed(blobs, manifest,
        new Descriptor(MediaTypes.OCI_MANIFEST, Digest.of(manifest), manifest.length, MediaTypes.UNIT, Map.of()));
  }

  /** A unit's config is at most this many bytes. */
  static final long CONFIG_LIMIT = 64 * 1024;

  /** Refuses a manifest whose config declares more than {@value #CONFIG_LIMIT} bytes. */
  static void checkConfigSize(OciJson.Manifest m, String what) {
    if (m.config().size() > CONFIG_LIMIT) {
      throw new RegistryException(RegistryException.TOO_LARGE, what + " has a config of " + m.config().size() + " bytes (limit 64 KiB)");
    }
  }

  /**
   * Rebuilds a unit from its OCI manifest; {@code blob} returns verified bytes of a descriptor.
   * Rejects anything that is not a b8g unit, and hostile paths (absolute, {@code ..}, duplicates).
   */
  static Unit fromOci(OciJson.Manifest m, Function<Descriptor, byte[]> blob, String what) {
    if (!MediaTypes.UNIT.equals(m.artifactType()) && !MediaTypes.UNIT_CONFIG.equals(m.config().mediaType())) {
      throw new RegistryException(RegistryException.BAD_UNIT,
          what + " is not a b8g unit (artifactType " + Printable.quoted(m.artifactType()) + ", expected " + MediaTypes.UNIT + ")");
    }
    if (!MediaTypes.UNIT_CONFIG.equals(m.config().mediaType())) {
      throw new RegistryException(RegistryException.BAD_UNIT,
          what + " has config type " + Printable.quoted(m.config().mediaType()) + ", expected " + MediaTypes.UNIT_CONFIG);
    }
    checkConfigSize(m, what);
    JsonObject config = OciJson.parseObject(blob.apply(m.config()), what + " config");
    String name = configString(config, "name", what);
    String manifestFile = configString(config, "manifest", what);
    JsonElement version = config.get("formatVersion");
    if (version == null || !version.isJsonPrimitive() || !version.getAsJsonPrimitive().isNumber()) {
      throw new RegistryException(RegistryException.BAD_UNIT, what + " config has no formatVersion");
    }
    String v = version.getAsJsonPrimitive().getAsString();
    if (!v.equals(Integer.toString(MediaTypes.UNIT_FORMAT_VERSION))) {
      throw new RegistryException(RegistryException.BAD_UNIT, what + " has unit format version " + Printable.quoted(v)
          + "; this b8g reads version " + MediaTypes.UNIT_FORMAT_VERSION + " (was it written by a newer b8g?)");
    }
    Map<String, byte[]> files = new TreeMap<>();
    Set<String> seen = new java.util.HashSet<>();
    for (Descriptor layer : m.layers()) {
      String title = layer.title();
      if (title == null) {
        throw new RegistryException(RegistryException.BAD_UNIT, what + " has a layer " + layer.digest() + " without a title");
      }
      checkPath(title);
      if (!seen.add(title)) {
        throw new RegistryException(RegistryException.BAD_UNIT, what + " has two layers titled " + Printable.quoted(title));
      }
      String expected = mediaTypeOf(title, title.equals(manifestFile));
      if (!expected.equals(layer.mediaType())) {
        throw new RegistryException(RegistryException.BAD_UNIT, what + " layer " + Printable.quoted(title) + " has media type "
            + Printable.quoted(layer.mediaType()) + ", expected " + expected);
      }
      files.put(title, blob.apply(layer));
    }
    return new Unit(name, manifestFile, files, m.annotations());
  }

  private static String configString(JsonObject config, String key, String what) {
    JsonElement e = config.get(key);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new RegistryException(RegistryException.BAD_UNIT, what + " config has no string '" + key + "'");
    }
    return e.getAsString();
  }

  private static String mediaTypeOf(String path, boolean isManifest) {
    if (isManifest) {
      if (path.endsWith(".txtpb")) {
        return MediaTypes.MANIFEST_TXTPB;
      }
      if (path.endsWith(".json")) {
        return MediaTypes.MANIFEST_JSON;
      }
      throw new RegistryException(RegistryException.BAD_UNIT, "manifest file " + Printable.quoted(path) + " must end in .txtpb or .json");
    }
    if (path.endsWith(".js")) {
      return MediaTypes.SCRIPT;
    }
    if (path.endsWith(".b8gi")) {
      return MediaTypes.IMAGE;
    }
    if (path.matches(".*\\.(?:mjs|cjs|ts|mts|cts|json)")) {
      return MediaTypes.MODULE;
    }
    throw new RegistryException(RegistryException.BAD_UNIT, "file " + Printable.quoted(path)
        + " is neither the manifest, a .js script, a module file (.mjs .cjs .ts .mts .cts .json) nor a .b8gi image");
  }

  private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z0-9]+(?:[._-][a-z0-9]+)*");

  private static void checkName(String name) {
    if (name == null || name.length() > 128 || !NAME.matcher(name).matches()) {
      throw new RegistryException(RegistryException.BAD_UNIT, "unit name " + Printable.quoted(name) + " must match [a-z0-9]+([._-][a-z0-9]+)*");
    }
  }

  /** A relative {@code /}-separated path that stays inside any directory it is resolved against. */
  static String checkPath(String p) {
    String problem = null;
    if (p == null || p.isEmpty()) {
      problem = "is empty";
    } else if (p.length() > 1024) {
      problem = "is longer than 1024 characters";
    } else if (p.startsWith("/") || p.matches("^[A-Za-z]:.*")) {
      problem = "is absolute";
    } else if (p.indexOf('\\') >= 0) {
      problem = "contains a backslash";
    } else if (!Printable.isPlain(p)) {
      problem = "contains a control or format character";
    } else {
      for (String seg : p.split("/", -1)) {
        if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
          problem = "has an empty, '.' or '..' segment";
          break;
        }
      }
    }
    if (problem != null) {
      throw new RegistryException(RegistryException.BAD_UNIT, "file path " + Printable.quoted(p) + " " + problem
          + "; a unit may only hold relative paths inside its directory");
    }
    return p;
  }
}
