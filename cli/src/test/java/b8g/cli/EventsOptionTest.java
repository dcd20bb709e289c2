package b8g.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code b8g run --events json[:FILE]}: host events as strict JSON lines, to stderr or a file. */
class EventsOptionTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    return Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  static List<JsonObject> parse(String text, boolean onlyJson) {
    List<JsonObject> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || onlyJson && !line.startsWith("{")) {
        continue;
      }
      JsonReader r = new JsonReader(new StringReader(line));
      r.setStrictness(Strictness.STRICT);
      out.add(JsonParser.parseReader(r).getAsJsonObject());
    }
    return out;
  }

  @Test
  void shouldWriteEventsToAFile(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("events.jsonl");
    assertEquals(0, run("run", "--no-control", "--events", "json:" + log, MainTest.EXAMPLES.resolve("link/link.txtpb").toString()),
        err.toString());
    List<JsonObject> events = parse(Files.readString(log), false);
    List<String> kinds = events.stream().map(o -> o.get("kind").getAsString()).toList();
    assertTrue(kinds.containsAll(List.of("granted", "started", "exported", "link_refused", "linked", "exited", "stopped")), kinds.toString());
    assertTrue(out.toString().contains("[service] got: hello, found you through a secret"), out.toString());
    assertTrue(err.toString().isEmpty(), err.toString());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)), "created for this user alone");
  }

  /** The event file is never reached through a symbolic link (one planted to another file is refused). */
  @Test
  void shouldRefuseASymbolicLink(@TempDir Path dir) throws Exception {
    Path target = Files.writeString(dir.resolve("someone-elses.log"), "theirs\n");
    Path link = Files.createSymbolicLink(dir.resolve("events.jsonl"), target);
    assertEquals(9, run("run", "--no-control", "--events", "json:" + link, MainTest.EXAMPLES.resolve("hello/hello.txtpb").toString()));
    assertTrue(err.toString().contains("cannot open the event log " + link), err.toString());
    assertEquals("theirs\n", Files.readString(target));
  }

  @Test
  void shouldWriteEventsToStandardErrorBesideOtherLines() {
    assertEquals(0, run("run", "--no-control", "--events=json", MainTest.EXAMPLES.resolve("hello/hello.txtpb").toString()),
        err.toString());
    List<JsonObject> events = parse(err.toString(), false);
    assertEquals("stopped", events.get(events.size() - 1).get("kind").getAsString());
    assertTrue(events.stream().anyMatch(o -> o.get("kind").getAsString().equals("started")
        && o.get("component").getAsString().equals("hello")), err.toString());
  }

  @Test
  void shouldRefuseAnUnknownFormat() {
    assertEquals(2, run("run", "--events", "xml", MainTest.EXAMPLES.resolve("hello/hello.txtpb").toString()));
    assertTrue(err.toString().contains("unknown event format \"xml\"; use json (to standard error) or json:FILE"), err.toString());
  }

  @Test
  void shouldSayWhyTheEventFileCannotBeOpened(@TempDir Path dir) {
    assertEquals(9, run("run", "--no-control", "--events", "json:" + dir.resolve("missing/events.jsonl"),
        MainTest.EXAMPLES.resolve("hello/hello.txtpb").toString()));
    assertTrue(err.toString().contains("cannot open the event log"), err.toString());
  }
}
