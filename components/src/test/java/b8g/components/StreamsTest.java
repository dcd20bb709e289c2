package b8g.components;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** WHATWG Streams and the text streams (test resource web/streams-conformance.js). */
class StreamsTest extends WebApiFixture {
  @Test
  void shouldKeepBackpressurePipesTeeAndCancellationAsTheStandardSays() throws Exception {
    assertEquals(52, conform("streams", "streams-conformance.js"), "every check ran");
  }
}
