package b8g.components;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Blob and File (test resource web/blob-conformance.js). */
class BlobTest extends WebApiFixture {
  @Test
  void shouldMakeSliceAndReadBlobsAsTheFileApiSays() throws Exception {
    assertEquals(23, conform("blob", "blob-conformance.js"), "every check ran");
  }
}
