package b8g.host;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import b8g.components.Component.ExitStatus;
import b8g.host.manifest.schema.Isolation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What host tests share: a temporary directory for manifests and scripts, the host's console lines
 * and events as they arrive, and launching and finishing a host on them, in the tier each manifest
 * names or in a tier forced on every component ({@link BothTiers}). No test may leave a /dev/shm
 * file of this process behind ({@link NoShmLeftBehind}).
 */
@ExtendWith(NoShmLeftBehind.class)
public abstract class HostFixture {
  @TempDir protected Path dir;
  protected final List<String> log = Collections.synchronizedList(new ArrayList<>());
  protected final List<HostEvent> events = Collections.synchronizedList(new ArrayList<>());

  /** Writes {@code text} to {@code name} under {@link #dir} (creating directories). */
  protected Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    return p;
  }

  /** A host on {@code manifest} whose console lines go to {@link #log}, events to {@link #events}. */
  protected Host launch(Path manifest) {
    return Host.launch(new Host.Context().manifest(manifest).log(log::add).events(events::add));
  }

  /** As {@link #launch(Path)}, with every component forced into {@code tier} (IN_PROCESS or PROCESS). */
  protected Host launch(Path manifest, Isolation tier) {
    return Host.launch(new Host.Context().manifest(manifest).log(log::add).events(events::add).isolation(tier));
  }

  /**
   * Skips the rest of a {@link BothTiers} test in the PROCESS tier, saying why: for what a
   * component in a worker cannot do yet ({@code Host.component(name)} is null for it; RUN, WATCH,
   * SNAPSHOT, export and link are not served to it), not for an outcome that differs.
   */
  protected static void onlyInProcess(Isolation tier, String why) {
    org.junit.jupiter.api.Assumptions.assumeTrue(tier != Isolation.PROCESS, "not in the PROCESS tier: " + why);
  }

  /** Waits (60 s at most) until every component has ended for good; fails the test otherwise. */
  protected Map<String, ExitStatus> finish(Host h) throws InterruptedException {
    return finish(h, Duration.ofSeconds(60));
  }

  protected Map<String, ExitStatus> finish(Host h, Duration timeout) throws InterruptedException {
    Map<String, ExitStatus> done = h.awaitCompletion(timeout);
    assertNotNull(done, "did not finish within " + timeout.toSeconds() + " s; log " + log + " events " + events);
    return done;
  }
}
