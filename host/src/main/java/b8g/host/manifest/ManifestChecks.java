package b8g.host.manifest;

import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The checks every part of a manifest shares, and its errors: identifiers and env names, enum
 * values, paths kept inside the manifest's directory, and each {@link ManifestException} located
 * at {@code file:line:col} through the {@link SourceMap}. One instance per load.
 */
final class ManifestChecks {
  static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  /** Names the platform itself puts in every {@code env}. */
  static final Set<String> RESERVED_ENV = Set.of("export", "link");

  private final SourceMap src;
  private final Path dir;

  /** {@code realDirectory}: the manifest's directory, real and absolute. */
  ManifestChecks(SourceMap sources, Path realDirectory) {
    this.src = sources;
    this.dir = realDirectory;
  }

  /** The manifest's real directory. */
  Path directory() {
    return dir;
  }

  /** Whether the field at {@code path} is written in the file. */
  boolean has(String path) {
    return src.has(path);
  }

  SourceLocation locate(String path) {
    return src.locate(path);
  }

  void identifier(String value, String path, String owner, String what, String example) {
    if (value.isEmpty()) {
      throw fail("manifest.invalid_identifier", owner, "missing " + what + "; add " + example + ".");
    }
    if (!IDENTIFIER.matcher(value).matches()) {
      throw fail("manifest.invalid_identifier", path,
          what + " \"" + printable(value) + "\" is not an identifier; use letters, digits and _, not starting with a "
              + "digit, at most 128 characters.");
    }
  }

  /** An env name: {@code as} (when written) must be an identifier, and {@code env} not reserved. */
  void envName(String as, String env, String p) {
    if (!as.isEmpty()) {
      identifier(as, p + ".as", p, "env name (as)", "as: \"name\"");
    }
    if (RESERVED_ENV.contains(env)) {
      throw fail("manifest.reserved_env", as.isEmpty() ? p : p + ".as",
          "env name \"" + env + "\" is reserved (" + list(new TreeSet<>(RESERVED_ENV))
              + " are the platform's own); choose another name with as: \"...\".");
    }
  }

  /** Rejects 0 (*_UNSPECIFIED, or the field left out) and numbers the schema does not define. */
  void enumValue(int number, EnumDescriptor type, String path, String owner, String what, String of) {
    String choices = type.getValues().stream().filter(v -> v.getNumber() != 0)
        .map(EnumValueDescriptor::getName).collect(Collectors.joining(", "));
    if (number == 0) {
      boolean written = src.has(path);
      throw fail("manifest.unspecified_enum", written ? path : owner,
          (written ? what + " " + type.getValues().get(0).getName() + " is not allowed for " + of
              : "missing " + what + " for " + of)
              + "; set it to one of: " + choices + ".");
    }
    if (type.findValueByNumber(number) == null) {
      throw fail("manifest.unknown_enum_value", path,
          what + " " + number + " for " + of + " is not a known value; use one of: " + choices + ".");
    }
  }

  /** Resolves a relative path lexically inside the manifest's directory. */
  Path inside(String value, String path, String what) {
    Path rel;
    try {
      rel = Path.of(value);
    } catch (InvalidPathException e) {
      throw fail("manifest.invalid_path", path,
          what + " \"" + printable(value) + "\" is not a valid path (" + e.getReason() + "); fix it.");
    }
    if (rel.isAbsolute()) {
      throw fail("manifest.path_escapes", path,
          what + " is absolute; paths are relative to the manifest's directory (" + dir + ") and stay inside it.");
    }
    Path resolved = dir.resolve(rel).normalize();
    if (!resolved.startsWith(dir)) {
      throw fail("manifest.path_escapes", path,
          what + " leaves the manifest's directory (" + dir + ") through '..'; move the file inside the directory.");
    }
    return resolved;
  }

  /** The real path of an existing file, which must still be inside the directory (no symlink out). */
  Path real(Path resolved, String path, String what) {
    Path real;
    try {
      real = resolved.toRealPath();
    } catch (IOException e) {
      throw fail("manifest.path_not_found", path, what + " cannot be resolved (" + e.getMessage() + "); check it.");
    }
    if (!real.startsWith(dir)) {
      throw fail("manifest.path_escapes", path,
          what + " leaves the manifest's directory (" + dir + ") through a symbolic link (it is " + real
              + "); copy the file inside the directory instead.");
    }
    return real;
  }

  /** Where the element at {@code path} is written, as {@code line:col}. */
  String at(String path) {
    SourceLocation l = src.locate(path);
    return l.line() + ":" + l.column();
  }

  ManifestException fail(String code, String path, String detail) {
    return new ManifestException(code, src.locate(path), detail);
  }

  static String list(Iterable<?> items) {
    List<String> names = new ArrayList<>();
    for (Object item : items) {
      names.add(String.valueOf(item));
    }
    return names.isEmpty() ? "(none)" : String.join(", ", names);
  }

  /** User or server text in a message: see {@link b8g.errors.Printable#of}. */
  static String printable(String s) {
    return b8g.errors.Printable.of(s, 80);
  }
}
