package b8g.host.manifest;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Test manifests under src/test/resources/manifests. */
final class Manifests {
  private Manifests() {}

  static Path resource(String relative) {
    URL url = Manifests.class.getResource("/manifests/" + relative);
    if (url == null) {
      throw new IllegalArgumentException("no test resource manifests/" + relative);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
