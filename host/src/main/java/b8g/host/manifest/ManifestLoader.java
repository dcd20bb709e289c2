package b8g.host.manifest;

import b8g.host.manifest.schema.Manifest;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import com.google.protobuf.TextFormatParseInfoTree;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a manifest ({@code .txtpb}: protobuf text format, or {@code .json}) and validates it into a
 * {@link LoadedManifest}. Every failure is a {@link ManifestException} whose message names the file,
 * line and column, and says what to do.
 *
 * <p>Stateless and thread-safe. Scripts and paths are resolved against the manifest's directory
 * and checked on the file system at load time.
 */
public final class ManifestLoader {
  /** Largest manifest accepted, in bytes (or characters, for {@link #parse}). */
  public static final int MAX_BYTES = 1 << 20;

  private static final Pattern UNKNOWN_TEXT_FIELD =
      Pattern.compile("(?m)^(\\d+):(\\d+):\\t([A-Za-z0-9_.]+)\\.([A-Za-z0-9_]+)$");
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");
  private static final Pattern AFTER_COLON = Pattern.compile(":\\s*(\\S+)\\s*$");

  private ManifestLoader() {}

  /**
   * Reads and validates the manifest at {@code file}.
   *
   * @throws ManifestException when the file is missing, too large, not UTF-8, malformed, or invalid
   */
  public static LoadedManifest load(Path file) {
    SourceLocation whole = SourceLocation.unknown(file);
    Format.of(file);
    if (!Files.isRegularFile(file)) {
      throw new ManifestException("manifest.not_found", whole, Files.exists(file)
          ? "this is not a regular file; give the path of a .txtpb or .json manifest."
          : "no such file; check the path (relative paths start at " + Path.of("").toAbsolutePath() + ").");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      // Read one byte past the limit rather than trusting the size: the file may be growing.
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (IOException e) {
      throw new ManifestException("manifest.unreadable", whole,
          "cannot read the file (" + e.getMessage() + "); check its permissions.", e);
    }
    if (bytes.length > MAX_BYTES) {
      throw tooLarge(file);
    }
    return parse(decode(bytes, file), file);
  }

  /** True when {@code file} names a script (.js, .cjs, .mjs, .ts, .mts, .cts), not a manifest. */
  public static boolean isScript(Path file) {
    String n = file.getFileName().toString();
    return n.matches(".*\\.(?:js|cjs|mjs|ts|mts|cts)");
  }

  /**
   * A manifest of one component running {@code script} (its module graph read from the script's
   * directory), granted {@code log} and nothing else: {@code b8g run app.ts}. The component is
   * named after the file ({@code app}).
   */
  public static LoadedManifest forScript(Path script) {
    String file = script.getFileName().toString();
    String stem = file.substring(0, file.lastIndexOf('.')).replaceAll("[^A-Za-z0-9_]", "_");
    String name = stem.isEmpty() || !Character.isLetter(stem.charAt(0)) ? "app_" + stem : stem;
    String text = "components { name: \"" + name + "\" script: \"" + file.replace("\\", "\\\\").replace("\"", "\\\"") + "\" }\n"
        + "grants { component: \"" + name + "\" host: LOG }\n";
    return parse(text, script.toAbsolutePath().resolveSibling(file + ".txtpb"));
  }

  /**
   * Validates a composition an application built in code ({@code Manifest.newBuilder()...}) as
   * if it were a manifest in {@code directory}: scripts and paths are resolved there, and every
   * rule of a manifest file applies. Errors name the field ({@code grants[2].service}) instead of
   * a line, and a field set to its default value counts as not set (code cannot tell them apart).
   */
  public static LoadedManifest of(Manifest manifest, Path directory) {
    Path real;
    try {
      real = directory.toRealPath();
    } catch (IOException | RuntimeException e) {
      throw new ManifestException("manifest.not_found", SourceLocation.unknown(directory),
          "the composition's directory does not exist or cannot be resolved (" + e.getMessage()
              + "); scripts are found relative to it.", e);
    }
    Path nominal = real.resolve("(composition built in code)");
    return new ManifestValidator(manifest, SourceMap.forCode(nominal), nominal, real).validate();
  }

  /**
   * Parses and validates manifest text as if it had been read from {@code nominalFile}: its
   * extension selects the format, its directory is where scripts and paths are resolved (and must
   * exist), and it names the file in messages.
   */
  public static LoadedManifest parse(String text, Path nominalFile) {
    Format format = Format.of(nominalFile);
    if (text.length() > MAX_BYTES) {
      throw tooLarge(nominalFile);
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1); // a byte-order mark is not content
    }
    Path directory;
    try {
      Path parent = nominalFile.toAbsolutePath().getParent();
      directory = parent.toRealPath();
    } catch (IOException | RuntimeException e) {
      throw new ManifestException("manifest.not_found", SourceLocation.unknown(nominalFile),
          "the manifest's directory does not exist or cannot be resolved (" + e.getMessage()
              + "); scripts are found relative to it.", e);
    }
    Manifest.Builder builder = Manifest.newBuilder();
    SourceMap map = format == Format.TEXT
        ? parseText(text, nominalFile, builder)
        : parseJson(text, nominalFile, builder);
    return new ManifestValidator(builder.build(), map, nominalFile, directory).validate();
  }

  private enum Format {
    TEXT,
    JSON;

    static Format of(Path file) {
      Path name = file.getFileName();
      String lower = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
      if (lower.endsWith(".txtpb")) {
        return TEXT;
      }
      if (lower.endsWith(".json")) {
        return JSON;
      }
      throw new ManifestException("manifest.unsupported_format", SourceLocation.unknown(file),
          "a manifest must end in .txtpb (protobuf text format) or .json; rename the file or convert it.");
    }
  }

  private static SourceMap parseText(String text, Path file, Manifest.Builder builder) {
    TextFormatParseInfoTree.Builder tree = TextFormatParseInfoTree.builder();
    TextFormat.Parser parser = TextFormat.Parser.newBuilder()
        .setParseInfoTreeBuilder(tree)
        // A field written twice is a mistake, not "last one wins"; this also rejects two targets
        // of one grant (region and channel are a oneof).
        .setSingularOverwritePolicy(TextFormat.Parser.SingularOverwritePolicy.FORBID_SINGULAR_OVERWRITES)
        .build();
    try {
      parser.merge(text, builder);
    } catch (TextFormat.ParseException e) {
      throw textError(e, file);
    } catch (RuntimeException e) {
      // The parser reports malformed input as ParseException; anything else is still the input's
      // fault as far as the user can tell, so it gets a location-less syntax error, not a trace.
      throw new ManifestException("manifest.syntax", new SourceLocation(file, 1, 1),
          "cannot parse the text format (" + e + "); check the file against the schema.", e);
    }
    return SourceMap.fromTextFormat(file, tree.build(), builder.build());
  }

  private static ManifestException textError(TextFormat.ParseException e, Path file) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    Matcher unknown = UNKNOWN_TEXT_FIELD.matcher(message);
    if (message.contains("unknown fields") && unknown.find()) {
      SourceLocation where = new SourceLocation(file, Integer.parseInt(unknown.group(1)), Integer.parseInt(unknown.group(2)));
      Descriptor type = Manifest.getDescriptor().getFile().findMessageTypeByName(simpleName(unknown.group(3)));
      if (type == null) {
        type = findNested(unknown.group(3));
      }
      if (type != null) {
        return unknownField(where, type, unknown.group(4));
      }
    }
    int line = Math.max(e.getLine(), 0);
    int column = line == 0 ? 0 : Math.max(e.getColumn(), 0);
    // The parser's text starts with "line:col: "; the location is ours to print.
    String detail = message.replaceFirst("^-?\\d+:-?\\d+: ", "").replaceFirst("\\.$", "");
    return new ManifestException("manifest.syntax", new SourceLocation(file, line, column),
        "syntax error: " + detail + " (the file is protobuf text format, schema b8g.manifest.v1.Manifest).", e);
  }

  private static String simpleName(String fullName) {
    return fullName.substring(fullName.lastIndexOf('.') + 1);
  }

  private static Descriptor findNested(String fullName) {
    for (Descriptor top : Manifest.getDescriptor().getFile().getMessageTypes()) {
      for (Descriptor nested : top.getNestedTypes()) {
        if (nested.getFullName().equals(fullName)) {
          return nested;
        }
      }
    }
    return null;
  }

  private static SourceMap parseJson(String text, Path file, Manifest.Builder builder) {
    SourceMap map = new SourceMap(file);
    JsonSource source = JsonSource.read(text, map, Manifest.getDescriptor());
    try {
      JsonFormat.parser().merge(text, builder);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      String message = String.valueOf(e.getMessage());
      throw new ManifestException("manifest.syntax", locateJsonValue(source, message, file),
          "invalid value: " + message.lines().findFirst().orElse(message)
              + ". Check the value's type and spelling against the schema (b8g.manifest.v1).", e);
    }
    return map;
  }

  /** JsonFormat names the offending value but not where it is; find the first value that matches. */
  private static SourceLocation locateJsonValue(JsonSource source, String message, Path file) {
    List<String> candidates = new ArrayList<>();
    Matcher quoted = QUOTED.matcher(message);
    while (quoted.find()) {
      candidates.add(quoted.group(1));
    }
    Matcher last = AFTER_COLON.matcher(message);
    if (last.find()) {
      candidates.add(last.group(1).replaceAll("^\"|\"$", ""));
    }
    for (String candidate : candidates) {
      for (JsonSource.Leaf leaf : source.leaves()) {
        if (leaf.text().equals(candidate)) {
          return new SourceLocation(file, leaf.line(), leaf.column());
        }
      }
    }
    return SourceLocation.unknown(file);
  }

  static ManifestException unknownField(SourceLocation where, Descriptor type, String name) {
    List<String> names = new ArrayList<>();
    String best = null;
    int bestDistance = 3;
    for (FieldDescriptor f : type.getFields()) {
      names.add(f.getName());
      for (String spelling : List.of(f.getName(), f.getJsonName())) {
        int d = distance(spelling.toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT));
        if (d < bestDistance) {
          bestDistance = d;
          best = f.getName();
        }
      }
    }
    String hint = best != null ? " Did you mean \"" + best + "\"?" : " Remove it or fix its name.";
    return new ManifestException("manifest.unknown_field", where,
        "unknown field \"" + name + "\" in " + type.getName() + "; the fields of " + type.getName() + " are: "
            + String.join(", ", names) + "." + hint);
  }

  /** Levenshtein distance, for "did you mean". Names are short, so the quadratic cost is nothing. */
  static int distance(String a, String b) {
    if (a.length() > 64 || b.length() > 64) {
      return Integer.MAX_VALUE;
    }
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static ManifestException tooLarge(Path file) {
    return new ManifestException("manifest.too_large", SourceLocation.unknown(file),
        "the manifest is larger than " + MAX_BYTES + " bytes (1 MiB); a manifest describes components, it does not hold data. Move data into files or regions.");
  }

  private static String decode(byte[] bytes, Path file) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      return decoder.decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      // Find the first bad byte and say where it is.
      CharsetDecoder probe = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
      ByteBuffer in = ByteBuffer.wrap(bytes);
      CharBuffer out = CharBuffer.allocate(bytes.length + 1);
      probe.decode(in, out, true);
      int bad = in.position();
      int line = 1;
      int column = 1;
      for (int i = 0; i < out.position(); i++) {
        if (out.get(i) == '\n') {
          line++;
          column = 1;
        } else {
          column++;
        }
      }
      throw new ManifestException("manifest.encoding", new SourceLocation(file, line, column),
          "the file is not valid UTF-8 (bad byte 0x" + String.format("%02x", bytes[bad] & 0xff)
              + " at offset " + bad + "); save it as UTF-8.", e);
    }
  }
}
