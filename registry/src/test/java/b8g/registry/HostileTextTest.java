package b8g.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile registry sends (media types, annotations, tags, error messages: valid JSON, but
 * holding terminal controls) reaches messages and {@code inspect}'s JSON escaped: an ESC sequence,
 * a CR and a bidi override never arrive raw in the text a user sees.
 */
class HostileTextTest {
  /** Recolours the terminal, returns over the line, and shows the rest reversed. */
  private static final String HOSTILE = "x\u001b[31my\rz\u202ew\u009b";
  private static final String ESCAPED = "x\\e[31my\\rz\\u202ew\\x9b";

  @TempDir Path home;

  @Test
  void shouldEscapeAHostileMediaTypeInTheRefusal() throws Exception {
    Unit.Packed packed = Fixtures.unit("app", "media").pack();
    JsonObject m = manifest(packed);
    m.addProperty("artifactType", "application/" + HOSTILE);
    RegistryException e = pullRefused(packed, m);
    assertEquals(RegistryException.BAD_MANIFEST, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains("has artifactType \"application/" + ESCAPED + "\" that is not a media type"), e.getMessage());
    assertClean(e.getMessage());
  }

  @Test
  void shouldEscapeAHostileAnnotationKeyInTheRefusal() throws Exception {
    Unit.Packed packed = Fixtures.unit("app", "annotation").pack();
    JsonObject m = manifest(packed);
    JsonObject a = new JsonObject();
    a.addProperty("ok", "fine");
    a.add(HOSTILE, new JsonObject()); // not a string: refused, naming the key
    m.add("annotations", a);
    RegistryException e = pullRefused(packed, m);
    assertTrue(e.getMessage().contains("annotation \"" + ESCAPED + "\" is not a string"), e.getMessage());
    assertClean(e.getMessage());
  }

  @Test
  void shouldEscapeHostileAnnotationValuesInTheInspectJson() throws Exception {
    Unit.Packed packed = Fixtures.unit("app", "inspect").pack();
    JsonObject m = manifest(packed);
    JsonObject a = new JsonObject();
    a.addProperty("org.opencontainers.image.description", HOSTILE);
    m.add("annotations", a);
    byte[] bytes = m.toString().getBytes(StandardCharsets.UTF_8);
    try (RawHttpServer server = new RawHttpServer(0, x -> serve(x, bytes, packed));
        Registry reg = Registry.open(new Registry.Context().home(home))) {
      String json = reg.inspect(server.host() + "/f/u:1");
      assertClean(json.replace("\n", ""));
      // the same value to a JSON reader
      assertEquals(HOSTILE, JsonParser.parseString(json).getAsJsonObject().getAsJsonObject("annotations")
          .get("org.opencontainers.image.description").getAsString());
    }
  }

  @Test
  void shouldRefuseAHostileTagNamingItEscaped() throws Exception {
    byte[] tags = ("{\"name\":\"f/u\",\"tags\":[\"1\"," + new com.google.gson.JsonPrimitive(HOSTILE) + "]}").getBytes(StandardCharsets.UTF_8);
    try (RawHttpServer server = new RawHttpServer(0, x -> x.answer(200, Map.of("Content-Type", "application/json"), tags));
        Registry reg = Registry.open(new Registry.Context().home(home))) {
      RegistryException e = assertThrows(RegistryException.class, () -> reg.ls(server.host() + "/f/u"));
      assertEquals(RegistryException.PROTOCOL, e.code(), e.getMessage());
      assertTrue(e.getMessage().contains("holds the tag \"" + ESCAPED + "\", which is not a tag"), e.getMessage());
      assertClean(e.getMessage());
    }
  }

  @Test
  void shouldEscapeAHostileErrorMessage() throws Exception {
    JsonObject error = new JsonObject();
    error.addProperty("code", "DENIED");
    error.addProperty("message", HOSTILE);
    JsonObject body = new JsonObject();
    com.google.gson.JsonArray errors = new com.google.gson.JsonArray();
    errors.add(error);
    body.add("errors", errors);
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    try (RawHttpServer server = new RawHttpServer(0, x -> x.answer(403, Map.of("Content-Type", "application/json"), bytes));
        Registry reg = Registry.open(new Registry.Context().home(home))) {
      RegistryException e = assertThrows(RegistryException.class, () -> reg.pull(server.host() + "/f/u:1"));
      assertTrue(e.getMessage().contains("DENIED: " + ESCAPED), e.getMessage());
      assertClean(e.getMessage());
    }
  }

  private RegistryException pullRefused(Unit.Packed packed, JsonObject manifest) throws IOException {
    byte[] bytes = manifest.toString().getBytes(StandardCharsets.UTF_8);
    try (RawHttpServer server = new RawHttpServer(0, x -> serve(x, bytes, packed));
        Registry reg = Registry.open(new Registry.Context().home(home))) {
      return assertThrows(RegistryException.class, () -> reg.pull(server.host() + "/f/u:1"));
    }
  }

  private static JsonObject manifest(Unit.Packed packed) {
    return JsonParser.parseString(new String(packed.manifest(), StandardCharsets.UTF_8)).getAsJsonObject();
  }

  /** A registry for {@code f/u:1} whose manifest is {@code manifest}, its blobs {@code packed}'s; nothing else. */
  private static void serve(RawHttpServer.Exchange x, byte[] manifest, Unit.Packed packed) throws IOException {
    String path = x.path();
    if (path.equals("/v2/f/u/manifests/1")) {
      x.answer(200, Map.of("Content-Type", MediaTypes.OCI_MANIFEST), manifest);
      return;
    }
    String digest = path.startsWith("/v2/f/u/blobs/") ? path.substring("/v2/f/u/blobs/".length()) : "";
    byte[] blob = packed.blobs().get(digest);
    if (blob == null) {
      x.answer(404, Map.of(), new byte[0]);
    } else {
      x.answer(200, Map.of("Content-Type", "application/octet-stream"), blob);
    }
  }

  /** No control character (C0, DEL, C1) and no bidi control in {@code s}. */
  private static void assertClean(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean bad = c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
      assertFalse(bad, () -> "raw U+" + Integer.toHexString(c) + " in: " + s);
    }
  }
}
