package b8g.cli;

import b8g.errors.B8gException;
import b8g.snapshots.StackImageDescriptor;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * One request on a host's control socket, parsed and validated. The socket is reachable only by
 * its user, but it is still an attack surface (any program of that user, and this parser sees
 * bytes from outside the process), so nothing is trusted:
 *
 * <pre>
 *   request = one JSON object, UTF-8, at most {@value #MAX_BYTES} bytes, ended by '\n' or EOF
 *   {"v":1, "op":"status"}
 *   {"v":1, "op":"snapshot", "component":"NAME", "path":"/absolute/file.b8gi"}
 *   {"v":1, "op":"snapshot", "all":true, "path":"/absolute/file.b8gi"}
 *   reply  = one JSON object and '\n', then the server closes:
 *   {"ok":true, ...} or {"ok":false, "code":"...", "category":"USAGE", "message":"..."}
 * </pre>
 *
 * Strict JSON (no comments, no single quotes, nothing after the object), no unknown keys, no
 * duplicate keys, names at most {@value #MAX_NAME} characters without control characters, paths
 * absolute, normalised (no {@code .} or {@code ..}), at most {@value #MAX_PATH} characters, in an
 * existing directory, and not replacing anything but an earlier stack image.
 */
record ControlRequest(String op, String component, Path path) {
  static final int VERSION = 1;
  static final int MAX_BYTES = 4096;
  static final int MAX_NAME = 256;
  static final int MAX_PATH = 1024;
  private static final Set<String> KEYS = Set.of("v", "op", "component", "all", "path");

  /** Whether this is a snapshot of every component ({@code "all":true}). */
  boolean all() {
    return op.equals("snapshot") && component == null;
  }

  static ControlRequest parse(byte[] bytes, int length) {
    if (length > MAX_BYTES) {
      throw bad("the request is longer than " + MAX_BYTES + " bytes");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, length)).toString();
    } catch (CharacterCodingException e) {
      throw bad("the request is not valid UTF-8");
    }
    if (text.endsWith("\n")) {
      text = text.substring(0, text.length() - 1);
    }
    JsonObject o = object(text);
    for (String k : o.keySet()) {
      if (!KEYS.contains(k)) {
        throw bad("unknown key \"" + printable(k) + "\" (known: v, op, component, all, path)");
      }
    }
    JsonElement v = o.get("v");
    if (v == null || !v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber() || v.getAsBigDecimal().compareTo(BigDecimal.valueOf(VERSION)) != 0) {
      throw bad("\"v\" must be " + VERSION + " (the protocol version this host speaks)");
    }
    String op = string(o, "op", 32);
    switch (op) {
      case "status" -> {
        if (o.size() != 2) {
          throw bad("status takes no arguments");
        }
        return new ControlRequest(op, null, null);
      }
      case "snapshot" -> {
        String component = o.has("component") ? string(o, "component", MAX_NAME) : null;
        boolean all = false;
        if (o.has("all")) {
          JsonElement a = o.get("all");
          if (!a.isJsonPrimitive() || !a.getAsJsonPrimitive().isBoolean()) {
            throw bad("\"all\" must be true or false");
          }
          all = a.getAsBoolean();
        }
        if ((component == null) == !all) {
          throw bad("snapshot needs exactly one of \"component\" or \"all\":true");
        }
        return new ControlRequest(op, component, imagePath(string(o, "path", MAX_PATH)));
      }
      default -> throw bad("unknown op \"" + printable(op) + "\" (known: status, snapshot)");
    }
  }

  private static JsonObject object(String text) {
    JsonReader r = new JsonReader(new StringReader(text));
    // Strict: Gson's JsonParser.parseReader would switch the reader to lenient mode.
    r.setStrictness(Strictness.STRICT);
    try {
      if (r.peek() != JsonToken.BEGIN_OBJECT) {
        throw bad("the request must be one JSON object");
      }
      JsonObject o = duplicateFree(r);
      if (r.peek() != JsonToken.END_DOCUMENT) {
        throw bad("there is more after the JSON object");
      }
      return o;
    } catch (IOException | JsonParseException | IllegalStateException | NumberFormatException e) {
      // Gson's own message suggests lenient parsing; say only where.
      String m = String.valueOf(e.getMessage());
      int at = m.indexOf(" at line ");
      int end = at < 0 ? -1 : m.indexOf(" path ", at);
      throw bad("the request is not strict JSON" + (at < 0 || end < 0 ? "" : m.substring(at, end)));
    }
  }

  /** Reads a flat object of primitives, refusing duplicate keys (Gson would keep the last). */
  private static JsonObject duplicateFree(JsonReader r) throws IOException {
    JsonObject o = new JsonObject();
    r.beginObject();
    while (r.hasNext()) {
      String k = r.nextName();
      if (o.has(k)) {
        throw bad("key \"" + printable(k) + "\" appears twice");
      }
      JsonPrimitive v = switch (r.peek()) {
        case STRING -> new JsonPrimitive(r.nextString());
        case NUMBER -> new JsonPrimitive(new BigDecimal(r.nextString()));
        case BOOLEAN -> new JsonPrimitive(r.nextBoolean());
        default -> throw bad("\"" + printable(k) + "\" must be a string, number or boolean");
      };
      o.add(k, v);
    }
    r.endObject();
    return o;
  }

  private static String string(JsonObject o, String key, int max) {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw bad("\"" + key + "\" must be a string");
    }
    String s = e.getAsString();
    if (s.isEmpty() || s.length() > max) {
      throw bad("\"" + key + "\" must have 1 to " + max + " characters");
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        throw bad("\"" + key + "\" contains a control character");
      }
    }
    return s;
  }

  /**
   * Checks where an image may be written: the client sends an absolute path (it resolves a
   * relative one against its own working directory, which the host does not know).
   */
  static Path imagePath(String s) {
    Path p;
    try {
      p = Path.of(s);
    } catch (InvalidPathException e) {
      throw bad("\"" + printable(s) + "\" is not a valid path");
    }
    if (!p.isAbsolute()) {
      throw bad("the path must be absolute (the client resolves it against its working directory): " + printable(s));
    }
    if (!p.normalize().equals(p) || s.endsWith("/")) {
      throw bad("the path must be normalised, without '.', '..' or a trailing '/': " + printable(s));
    }
    Path parent = p.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw bad("the directory of " + printable(s) + " does not exist");
    }
    if (Files.isDirectory(p)) {
      throw bad(printable(s) + " is a directory");
    }
    if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || !startsWithImageMagic(p)) {
        throw bad(printable(s) + " exists and is not a stack image; refusing to replace it");
      }
    }
    return p;
  }

  private static boolean startsWithImageMagic(Path p) {
    try (var in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
      return java.util.Arrays.equals(in.readNBytes(StackImageDescriptor.MAGIC.length), StackImageDescriptor.MAGIC);
    } catch (IOException e) {
      return false;
    }
  }

  /** User or server text in a message: see {@link b8g.errors.Printable#of}. */
  static String printable(String s) {
    return b8g.errors.Printable.of(s, 200);
  }

  static B8gException bad(String message) {
    return new B8gException(B8gException.Category.USAGE, "control.request", message);
  }

  /** The request as the client sends it. */
  static String encode(Map<String, Object> fields) {
    return new com.google.gson.Gson().toJson(fields) + "\n";
  }
}
