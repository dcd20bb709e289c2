package b8g.memory;

import b8g.errors.B8gException;
import b8g.errors.B8gException.Category;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The JavaScript side of the ring ({@code b8g/memory/ring.js}) as text: a classic-script expression
 * that evaluates to the ring factory {@code R}. This module only ships the text; the component layer
 * evaluates it in each isolate before user code runs.
 */
public final class RingScript {
  private static final String RESOURCE = "/b8g/memory/ring.js";
  private static volatile String source;

  private RingScript() {}

  /** The source of ring.js, read once from the class path. */
  public static String source() {
    String text = source;
    if (text == null) {
      try (InputStream in = RingScript.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new B8gException(
              Category.INTERNAL, "memory.resource", RESOURCE + " is missing from the class path");
        }
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new B8gException(
            Category.INTERNAL, "memory.resource", "cannot read " + RESOURCE + ": " + e.getMessage(), e);
      }
      source = text;
    }
    return text;
  }
}
