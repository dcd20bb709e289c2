package b8g.registry;

import b8g.errors.Printable;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Strict reading and deterministic writing of OCI manifests, indexes and descriptors. Input is
 * untrusted: anything malformed becomes a {@link RegistryException} with code {@code
 * registry.bad_manifest}, never another exception.
 */
final class OciJson {
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
  private static final Gson PRETTY = new GsonBuilder().disableHtmlEscaping().setPrettyPrinting().create();
  private static final TypeAdapter<JsonElement> ELEMENTS = GSON.getAdapter(JsonElement.class);
  // RFC 6838 restricted-name, with the +suffix; generous but keeps control characters out.
  private static final Pattern MEDIA_TYPE =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}");
  private static final int MAX_ENTRIES = 10_000;

  private OciJson() {}

  /** A parsed image manifest; {@code subject} and {@code artifactType} may be null. */
  record Manifest(
      String mediaType,
      String artifactType,
      Descriptor config,
      List<Descriptor> layers,
      Descriptor subject,
      Map<String, String> annotations) {}

  /** A parsed image index. */
  record Index(String mediaType, String artifactType, List<Descriptor> manifests, Map<String, String> annotations) {}

  static JsonObject parseObject(byte[] bytes, String what) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw bad(what, "is not UTF-8");
    }
    try {
      JsonReader reader = new JsonReader(new StringReader(text));
      reader.setStrictness(Strictness.STRICT);
      JsonElement element = ELEMENTS.read(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw bad(what, "has text after the JSON value");
      }
      if (element == null || !element.isJsonObject()) {
        throw bad(what, "is not a JSON object");
      }
      return element.getAsJsonObject();
    } catch (IOException | RuntimeException | StackOverflowError e) {
      if (e instanceof RegistryException r) {
        throw r;
      }
      throw new RegistryException(
          RegistryException.BAD_MANIFEST, what + " is not valid JSON: " + Printable.of(String.valueOf(e.getMessage()), Printable.DEFAULT_MAX), e);
    }
  }

  static Manifest parseManifest(byte[] bytes, String what) {
    JsonObject o = parseObject(bytes, what);
    schemaVersion(o, what);
    String mediaType = optString(o, "mediaType", what);
    if (mediaType != null && !mediaType.equals(MediaTypes.OCI_MANIFEST) && !mediaType.equals(MediaTypes.DOCKER_MANIFEST)) {
      throw bad(what, "has mediaType " + Printable.quoted(mediaType) + ", expected " + MediaTypes.OCI_MANIFEST);
    }
    if (o.has("manifests")) {
      throw bad(what, "is an image index, not an image manifest");
    }
    String artifactType = optMediaType(o, "artifactType", what);
    Descriptor config = descriptor(required(o, "config", what), what + " config");
    JsonElement layersEl = required(o, "layers", what);
    List<Descriptor> layers = descriptors(layersEl, what + " layers");
    Descriptor subject = o.has("subject") && !o.get("subject").isJsonNull() ? descriptor(o.get("subject"), what + " subject") : null;
    return new Manifest(
        mediaType == null ? MediaTypes.OCI_MANIFEST : mediaType,
        artifactType,
        config,
        List.copyOf(layers),
        subject,
        annotations(o, what));
  }

  static Index parseIndex(byte[] bytes, String what) {
    return parseIndex(parseObject(bytes, what), what);
  }

  static Index parseIndex(JsonObject o, String what) {
    schemaVersion(o, what);
    String mediaType = optString(o, "mediaType", what);
    if (mediaType != null && !mediaType.equals(MediaTypes.OCI_INDEX) && !mediaType.equals(MediaTypes.DOCKER_LIST)) {
      throw bad(what, "has mediaType " + Printable.quoted(mediaType) + ", expected " + MediaTypes.OCI_INDEX);
    }
    List<Descriptor> manifests = descriptors(required(o, "manifests", what), what + " manifests");
    return new Index(
        mediaType == null ? MediaTypes.OCI_INDEX : mediaType,
        optMediaType(o, "artifactType", what),
        List.copyOf(manifests),
        annotations(o, what));
  }

  /** True when the JSON (already known to be an object) looks like an index rather than a manifest. */
  static boolean isIndex(String mediaType, JsonObject o) {
    return MediaTypes.OCI_INDEX.equals(mediaType)
        || MediaTypes.DOCKER_LIST.equals(mediaType)
        || (o != null && o.has("manifests") && !o.has("layers"));
  }

  static Descriptor descriptor(JsonElement e, String what) {
    if (e == null || !e.isJsonObject()) {
      throw bad(what, "is not a descriptor object");
    }
    JsonObject o = e.getAsJsonObject();
    String mediaType = optMediaType(o, "mediaType", what);
    if (mediaType == null) {
      throw bad(what, "has no mediaType");
    }
    String digest = Digest.check(string(required(o, "digest", what), what + " digest"), what + " digest");
    JsonElement sizeEl = required(o, "size", what);
    long size;
    try {
      if (!sizeEl.isJsonPrimitive() || !sizeEl.getAsJsonPrimitive().isNumber()) {
        throw bad(what, "has a size that is not a number");
      }
      size = sizeEl.getAsJsonPrimitive().getAsBigDecimal().longValueExact();
    } catch (ArithmeticException | NumberFormatException e2) {
      throw bad(what, "has a size that is not a whole number");
    }
    if (size < 0) {
      throw bad(what, "has a negative size");
    }
    return new Descriptor(mediaType, digest, size, optMediaType(o, "artifactType", what), annotations(o, what));
  }

  private static List<Descriptor> descriptors(JsonElement e, String what) {
    if (!e.isJsonArray()) {
      throw bad(what, "is not an array");
    }
    JsonArray a = e.getAsJsonArray();
    if (a.size() > MAX_ENTRIES) {
      throw bad(what, "has more than " + MAX_ENTRIES + " entries");
    }
    List<Descriptor> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      out.add(descriptor(a.get(i), what + "[" + i + "]"));
    }
    return out;
  }

  private static void schemaVersion(JsonObject o, String what) {
    JsonElement v = required(o, "schemaVersion", what);
    if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber() || !"2".equals(v.getAsJsonPrimitive().getAsString())) {
      throw bad(what, "has schemaVersion " + Printable.quoted(v.toString()) + ", expected 2");
    }
  }

  private static Map<String, String> annotations(JsonObject o, String what) {
    JsonElement e = o.get("annotations");
    if (e == null || e.isJsonNull()) {
      return Map.of();
    }
    if (!e.isJsonObject()) {
      throw bad(what, "has annotations that are not an object");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> entry : e.getAsJsonObject().entrySet()) {
      out.put(entry.getKey(), string(entry.getValue(), what + " annotation " + Printable.quoted(entry.getKey())));
    }
    return out;
  }

  private static JsonElement required(JsonObject o, String name, String what) {
    JsonElement e = o.get(name);
    if (e == null || e.isJsonNull()) {
      throw bad(what, "has no '" + name + "'");
    }
    return e;
  }

  private static String optString(JsonObject o, String name, String what) {
    JsonElement e = o.get(name);
    return e == null || e.isJsonNull() ? null : string(e, what + " " + name);
  }

  private static String optMediaType(JsonObject o, String name, String what) {
    String s = optString(o, name, what);
    if (s != null && !MEDIA_TYPE.matcher(s).matches()) {
      throw bad(what, "has " + name + " " + Printable.quoted(s) + " that is not a media type");
    }
    return s;
  }

  private static String string(JsonElement e, String what) {
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new RegistryException(RegistryException.BAD_MANIFEST, what + " is not a string");
    }
    return e.getAsString();
  }

  private static RegistryException bad(String what, String problem) {
    return new RegistryException(RegistryException.BAD_MANIFEST, what + " " + problem);
  }

  // ---- writing ----

  static JsonObject toJson(Descriptor d) {
    JsonObject o = new JsonObject();
    o.addProperty("mediaType", d.mediaType());
    o.addProperty("digest", d.digest());
    o.addProperty("size", d.size());
    if (d.artifactType() != null) {
      o.addProperty("artifactType", d.artifactType());
    }
    if (!d.annotations().isEmpty()) {
      o.add("annotations", annotationsJson(d.annotations()));
    }
    return o;
  }

  static JsonObject annotationsJson(Map<String, String> annotations) {
    JsonObject a = new JsonObject();
    annotations.forEach((k, v) -> a.add(k, new JsonPrimitive(v)));
    return a;
  }

  static byte[] manifestBytes(
      String artifactType, Descriptor config, List<Descriptor> layers, Descriptor subject, Map<String, String> annotations) {
    JsonObject o = new JsonObject();
    o.addProperty("schemaVersion", 2);
    o.addProperty("mediaType", MediaTypes.OCI_MANIFEST);
    if (artifactType != null) {
      o.addProperty("artifactType", artifactType);
    }
    o.add("config", toJson(config));
    JsonArray a = new JsonArray();
    layers.forEach(l -> a.add(toJson(l)));
    o.add("layers", a);
    if (subject != null) {
      o.add("subject", toJson(subject));
    }
    if (!annotations.isEmpty()) {
      o.add("annotations", annotationsJson(annotations));
    }
    return bytes(o);
  }

  static byte[] indexBytes(List<Descriptor> manifests) {
    JsonObject o = new JsonObject();
    o.addProperty("schemaVersion", 2);
    o.addProperty("mediaType", MediaTypes.OCI_INDEX);
    JsonArray a = new JsonArray();
    manifests.forEach(m -> a.add(toJson(m)));
    o.add("manifests", a);
    return bytes(o);
  }

  static byte[] bytes(JsonElement e) {
    return GSON.toJson(e).getBytes(StandardCharsets.UTF_8);
  }

  /** Indented JSON for people; what a registry sent may be in it, so it is made safe for a terminal ({@link Printable#json}). */
  static String pretty(JsonElement e) {
    return Printable.json(PRETTY.toJson(e));
  }
}
