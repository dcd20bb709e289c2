package b8g.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.registry.RegistryServer;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code b8g registry ...} and {@code b8g deploy} through {@link Main#execute}, against a real
 * docker-registry (distribution 2.8) started by the registry module's {@link RegistryServer}
 * (from its test-jar). A missing server binary fails the test, naming {@code .ci/run}.
 */
class RegistryCommandTest {
  static final Path PIPELINE = MainTest.EXAMPLES.resolve("pipeline");
  static final String SINK_LINE = "[sink] received 100000 squares, 0 out of order, sum 333328333350000 (expected 333328333350000)";

  @TempDir static Path serverDir;
  static RegistryServer server;
  @TempDir Path dir;

  record Result(int code, String out, String err) {
    JsonObject json() {
      return JsonParser.parseString(out).getAsJsonObject();
    }

    @Override
    public String toString() {
      return "exit " + code + "\nstdout: " + out + "\nstderr: " + err;
    }
  }

  @BeforeAll
  static void startServer() throws Exception {
    server = RegistryServer.start(serverDir);
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  static Result b8g(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  Result registry(Path home, String... args) {
    return b8g(Stream.concat(Stream.of("registry", "--home", home.toString()), Stream.of(args)).toArray(String[]::new));
  }

  static Result ok(Result r) {
    assertEquals(0, r.code(), r.toString());
    return r;
  }

  Path keygen(Path home, String name) {
    Path key = dir.resolve(name);
    ok(registry(home, "keygen", "-o", key.toString()));
    return key;
  }

  Path copyOfPipeline() throws java.io.IOException {
    Path unit = Files.createDirectories(dir.resolve("unit"));
    try (Stream<Path> files = Files.list(PIPELINE)) {
      for (Path f : files.toList()) {
        Files.copy(f, unit.resolve(f.getFileName()));
      }
    }
    return unit;
  }

  @Test
  void shouldPushListTagInspectPullAndRemoveAgainstARealRegistry() throws Exception {
    Path a = dir.resolve("a");
    String repo = server.host + "/demo/pipeline";
    JsonObject pushed = ok(registry(a, "push", PIPELINE.toString(), repo + ":1.0", "--json")).json();
    String digest = pushed.get("digest").getAsString();
    assertTrue(digest.startsWith("sha256:"), pushed.toString());

    ok(registry(a, "tag", repo + ":1.0", repo + ":stable"));
    Result ls = ok(registry(a, "--json", "ls", repo)); // --json before the subcommand works too
    List<String> refs = ls.json().getAsJsonArray("references").asList().stream().map(JsonElement::getAsString).sorted().toList();
    assertEquals(List.of(repo + ":1.0", repo + ":stable"), refs);
    assertEquals(repo + ":1.0\n" + repo + ":stable", ok(registry(a, "ls", repo)).out().strip().lines().sorted()
        .reduce((x, y) -> x + "\n" + y).orElseThrow());

    JsonObject inspected = ok(registry(a, "inspect", repo + ":stable", "--json")).json();
    assertEquals(digest, inspected.get("digest").getAsString());
    assertEquals("application/vnd.b8g.unit.v1", inspected.get("artifactType").getAsString());
    List<String> titles = inspected.getAsJsonArray("layers").asList().stream()
        .map(l -> l.getAsJsonObject().getAsJsonObject("annotations").get("org.opencontainers.image.title").getAsString()).sorted().toList();
    assertEquals(List.of("pipeline.txtpb", "sink.js", "source.js", "transform.js"), titles);

    Path b = dir.resolve("b");
    Path out = dir.resolve("out");
    JsonObject pulled = ok(registry(b, "pull", repo + ":stable", "-o", out.toString(), "--json")).json();
    assertEquals(digest, pulled.get("digest").getAsString());
    assertEquals("pipeline.txtpb", pulled.get("manifest").getAsString());
    for (String f : titles) {
      assertEquals(Files.readString(PIPELINE.resolve(f)), Files.readString(out.resolve(f)), f);
    }

    assertTrue(ok(registry(b, "rm", repo + ":stable")).out().contains("removed " + repo + ":stable"));
    Result gone = registry(b, "pull", repo + ":1.0"); // deleted by digest: every tag on it went
    assertEquals(8, gone.code(), gone.toString());
    assertTrue(gone.err().contains("MANIFEST_UNKNOWN"), gone.err());
  }

  @Test
  void shouldRemoveFromTheStoreAndCollectTheBlobs() {
    Path home = dir.resolve("home");
    ok(registry(home, "push", PIPELINE.resolve("pipeline.txtpb").toString(), "local/pipeline:1"));
    assertEquals(List.of("local/pipeline:1"), ok(registry(home, "ls", "--json")).json().getAsJsonArray("references")
        .asList().stream().map(JsonElement::getAsString).toList());
    ok(registry(home, "rm", "local/pipeline:1"));
    JsonObject gc = ok(registry(home, "gc", "--json")).json();
    assertEquals(6, gc.getAsJsonArray("removedBlobs").size(), gc.toString()); // manifest, config, four files
    assertTrue(gc.get("bytesFreed").getAsLong() > 0, gc.toString());
    assertTrue(ok(registry(home, "gc")).out().startsWith("removed 0 blobs"));
    Result missing = registry(home, "inspect", "local/pipeline:1");
    assertEquals(8, missing.code(), missing.toString());
    assertTrue(missing.err().contains("no local/pipeline:1 in the store"), missing.err());
  }

  @Test
  void shouldSignVerifyAndDeployASignedUnitFromTheRegistry() throws Exception {
    Path publisher = dir.resolve("publisher");
    String ref = server.host + "/signed/pipeline:1";
    Path key = keygen(publisher, "key");
    assertTrue(Files.isRegularFile(dir.resolve("key.pub")));
    Result again = registry(publisher, "keygen", "-o", key.toString());
    assertEquals(8, again.code(), "refuses to overwrite a key: " + again);

    ok(registry(publisher, "push", PIPELINE.toString(), ref));
    JsonObject signed = ok(registry(publisher, "sign", ref, "--key", key.toString(), "--json")).json();
    assertTrue(signed.getAsJsonObject("signature").get("digest").getAsString().startsWith("sha256:"), signed.toString());
    JsonObject verified = ok(registry(dir.resolve("verifier"), "verify", ref, "--trust", dir.resolve("key.pub").toString(), "--json")).json();
    assertTrue(verified.get("verified").getAsBoolean());

    Path edge = dir.resolve("edge");
    Result deployed = b8g("deploy", ref, "--require-signature", "--trust", dir.resolve("key.pub").toString(), "--home", edge.toString());
    assertEquals(0, deployed.code(), deployed.toString());
    assertTrue(deployed.out().contains(SINK_LINE), deployed.toString());
    String hex = verified.get("digest").getAsString().substring(7, 19);
    assertTrue(Files.isRegularFile(edge.resolve("deploy").resolve(hex).resolve("pipeline.txtpb")), "extracted under HOME/deploy/<digest prefix>");
  }

  @Test
  void shouldRefuseToDeployAnUnsignedUnit() {
    Path publisher = dir.resolve("publisher");
    String ref = server.host + "/unsigned/pipeline:1";
    keygen(publisher, "key");
    ok(registry(publisher, "push", PIPELINE.toString(), ref));

    Path edge = dir.resolve("edge");
    Result r = b8g("deploy", ref, "--require-signature", "--trust", dir.resolve("key.pub").toString(), "--home", edge.toString());
    assertEquals(8, r.code(), r.toString());
    assertTrue(r.err().contains("refusing to deploy " + ref) && r.err().contains("carries no b8g signature"), r.err());
    assertFalse(r.out().contains("[sink]"), r.out());
    assertFalse(Files.exists(edge.resolve("deploy")), "nothing extracted");

    Result usage = b8g("deploy", ref, "--require-signature", "--home", edge.toString());
    assertEquals(2, usage.code(), usage.toString());
    assertTrue(usage.err().contains("--require-signature needs --trust"), usage.err());
  }

  @Test
  void shouldRefuseToDeployAUnitSignedByAnotherKey() {
    Path publisher = dir.resolve("publisher");
    String ref = server.host + "/other/pipeline:1";
    Path mallory = keygen(publisher, "mallory");
    keygen(publisher, "trusted");
    ok(registry(publisher, "push", PIPELINE.toString(), ref));
    ok(registry(publisher, "sign", ref, "--key", mallory.toString()));

    Result v = registry(dir.resolve("v"), "verify", ref, "--trust", dir.resolve("trusted.pub").toString());
    assertEquals(8, v.code(), v.toString());
    Result r = b8g("deploy", ref, "--require-signature", "--trust", dir.resolve("trusted.pub").toString(), "--home", dir.resolve("edge").toString());
    assertEquals(8, r.code(), r.toString());
    assertTrue(r.err().contains("refusing to deploy") && r.err().contains("is signed only by")
        && r.err().contains("not by the trusted key"), r.err());
  }

  @Test
  void shouldRefuseToDeployAUnitAlteredInTheRegistry() throws Exception {
    Path publisher = dir.resolve("publisher");
    String ref = server.host + "/altered/pipeline:1";
    Path key = keygen(publisher, "key");
    // The server stores blobs once for all repositories: alter a copy no other test pushes.
    Path unit = copyOfPipeline();
    Files.writeString(unit.resolve("sink.js"), "// only in the altered test\n", java.nio.file.StandardOpenOption.APPEND);
    ok(registry(publisher, "push", unit.toString(), ref));
    ok(registry(publisher, "sign", ref, "--key", key.toString()));
    JsonArray layers = ok(registry(publisher, "inspect", ref)).json().getAsJsonArray("layers");
    String sinkDigest = layers.asList().stream().map(JsonElement::getAsJsonObject)
        .filter(l -> l.getAsJsonObject("annotations").get("org.opencontainers.image.title").getAsString().equals("sink.js"))
        .findFirst().orElseThrow().get("digest").getAsString();
    Path blob = server.blobFile(sinkDigest);
    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length / 2] ^= 1; // same size, one bit different
    Files.write(blob, bytes);

    Result r = b8g("deploy", ref, "--require-signature", "--trust", dir.resolve("key.pub").toString(), "--home", dir.resolve("edge").toString());
    assertEquals(8, r.code(), r.toString());
    assertTrue(r.err().contains("refusing to deploy") && r.err().contains(sinkDigest), r.err());
    assertFalse(r.out().contains("[sink]"), r.out());
  }

  @Test
  void shouldRefuseACorruptStackImageAndStartFreshOnRequest() throws Exception {
    Path unit = copyOfPipeline();
    Files.write(unit.resolve("resume.b8gi"), new byte[] {'B', '8', 'G', 'I'});
    Path home = dir.resolve("home");
    ok(registry(home, "push", unit.resolve("pipeline.txtpb").toString(), "local/resumable:1"));
    Result unsigned = b8g("deploy", "local/resumable:1", "--home", home.toString());
    assertEquals(2, unsigned.code(), unsigned.toString());
    assertTrue(unsigned.err().contains("--trust"), unsigned.err());
    Path key = dir.resolve("resume-key");
    ok(registry(home, "keygen", "-o", key.toString()));
    ok(registry(home, "sign", "local/resumable:1", "--key", key.toString()));
    Result r = b8g("deploy", "local/resumable:1", "--home", home.toString(), "--trust", key + ".pub");
    assertEquals(7, r.code(), r.toString());
    assertTrue(r.err().contains("resume.b8gi"), r.err());
    assertFalse(r.out().contains(SINK_LINE), "nothing ran from a corrupt image: " + r);
    Result fresh = b8g("deploy", "local/resumable:1", "--home", home.toString(), "--fresh");
    assertEquals(0, fresh.code(), fresh.toString());
    assertTrue(fresh.out().contains(SINK_LINE), fresh.toString());
  }

  @Test
  void shouldPushAPackageComponentWithOnlyTheModulesItNeedsAndDeployIt() throws Exception {
    Path unit = Files.createDirectories(dir.resolve("pkg-unit"));
    Files.writeString(unit.resolve("app.txtpb"), "components { name: \"app\" script: \"app.ts\" }\ngrants { component: \"app\" host: LOG }\n");
    Files.writeString(unit.resolve("app.ts"), "import { shout } from 'shout';\nimport data from './data.json';\n"
        + "export function main(env: unknown): void { console.log(shout(data.word)); }\n");
    Files.writeString(unit.resolve("data.json"), "{\"word\": \"deployed\"}");
    Path pkg = Files.createDirectories(unit.resolve("node_modules/shout/dist"));
    Files.writeString(pkg.getParent().resolve("package.json"), "{\"name\": \"shout\", \"exports\": {\".\": {\"import\": \"./dist/index.mjs\"}}}");
    Files.writeString(pkg.resolve("index.mjs"), "export const shout = (s) => s.toUpperCase() + '!';");
    Files.writeString(pkg.resolve("unused.js"), "module.exports = 'not needed';");
    Files.createDirectories(unit.resolve("node_modules/other"));
    Files.writeString(unit.resolve("node_modules/other/index.js"), "module.exports = 'not needed either';");
    Path home = dir.resolve("home");
    ok(registry(home, "push", unit.toString(), "local/pkg:1"));
    Path out = dir.resolve("pulled");
    ok(registry(home, "pull", "local/pkg:1", "-o", out.toString()));
    try (Stream<Path> files = Files.walk(out)) {
      assertEquals(List.of("app.ts", "app.txtpb", "data.json", "node_modules/shout/dist/index.mjs", "node_modules/shout/package.json"),
          files.filter(Files::isRegularFile).map(f -> out.relativize(f).toString()).sorted().toList());
    }
    Result deployed = b8g("deploy", "local/pkg:1", "--home", home.toString());
    assertEquals(0, deployed.code(), deployed.toString());
    assertTrue(deployed.out().contains("[app] DEPLOYED!"), deployed.toString());
  }

  @Test
  void shouldLogInWithThePasswordFromStdin() throws Exception {
    Path home = dir.resolve("home");
    InputStream stdin = System.in;
    try {
      System.setIn(new ByteArrayInputStream("s3cret\n".getBytes(StandardCharsets.UTF_8)));
      ok(registry(home, "login", server.host, "-u", "alice", "--password-stdin"));
    } finally {
      System.setIn(stdin);
    }
    String stored = Files.readString(home.resolve("credentials.json"));
    assertTrue(stored.contains(server.host), stored);
    assertFalse(stored.contains("s3cret"), "kept base64-encoded as in Docker's config.json: " + stored);
  }

  @Test
  void shouldExplainUsageWithExitTwo() {
    assertEquals(0, b8g("registry", "--help").code());
    Result help = b8g("registry", "push", "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("--json") && help.out().contains("--home"), help.out());
    assertTrue(b8g("deploy", "--help").out().contains("--require-signature"));
    assertEquals(2, b8g("registry").code());
    assertEquals(2, b8g("registry", "push", PIPELINE.toString()).code());
    assertEquals(2, b8g("registry", "sign", "x:1").code());
    Result bad = registry(dir, "inspect", "Not A Ref");
    assertEquals(8, bad.code(), bad.toString());
    assertTrue(bad.err().contains("bad reference"), bad.err());
  }
}
