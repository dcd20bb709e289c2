package b8g.snapshots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageInspectorTest {
  @TempDir Path dir;

  @Test
  void shouldDescribeHeaderSectionsCompatibilityAndSizes() throws Exception {
    Path file = dir.resolve("s.b8gimage");
    Images.sampleWriter().writeTo(file);
    StackImage image = StackImage.openForInspection(file, StackImage.Limits.DEFAULT);
    Map<String, Object> d = ImageInspector.describe(image);
    Map<?, ?> header = (Map<?, ?>) d.get("header");
    assertEquals("2.1", header.get("format"));
    assertEquals(image.fileLength(), header.get("fileLength"));
    List<?> sections = (List<?>) d.get("sections");
    assertEquals(image.sections().size(), sections.size());
    Map<?, ?> first = (Map<?, ?>) sections.get(0);
    assertEquals("COMPATIBILITY", first.get("type"));
    assertEquals(Checksums.hex(image.sections().get(0).checksum()), first.get("checksum"));
    Map<?, ?> compat = (Map<?, ?>) d.get("compatibility");
    assertEquals("14.7.173.20", compat.get("v8Version"));
    assertEquals(false, compat.get("checkedAgainstHost"));
    Map<?, ?> sizes = (Map<?, ?>) d.get("sizes");
    assertEquals(5100L, sizes.get("regionBytes"));
    assertEquals(2, sizes.get("components"));
    assertEquals(List.of("stage", "sink"), d.get("components"));

    String text = ImageInspector.text(image);
    assertTrue(text.contains("format 2.1"), text);
    assertTrue(text.contains("V8 14.7.173.20"), text);
    assertTrue(text.contains("REGION_BYTES"), text);
    assertTrue(text.contains("region frames: 5000 bytes"), text);
    assertTrue(text.contains("component 0: stage"), text);
    assertTrue(text.contains("component 1: sink"), text);
  }
}
