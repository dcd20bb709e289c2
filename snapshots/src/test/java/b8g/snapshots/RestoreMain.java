package b8g.snapshots;

import b8g.host.Host;
import java.nio.file.Path;

/**
 * Restores an image in a fresh JVM: args IMAGE MANIFEST (HostSnapshotTest#shouldRestoreInANewJvm)
 * or IMAGE MANIFEST three (MultiComponentSnapshotTest#shouldRestoreTheCompositionInANewJvm).
 */
public final class RestoreMain {
  private RestoreMain() {}

  public static void main(String[] args) throws Exception {
    try (Host h = Snapshots.restore(Path.of(args[0]), new Host.Context().manifest(Path.of(args[1])))) {
      if (args.length > 2 && args[2].equals("three")) {
        MultiComponentSnapshotTest.finishStream(h, 26);
      } else {
        HostSnapshotTest.finishStream(h);
      }
    } catch (Throwable t) {
      System.out.println("failed: " + t);
      System.exit(1);
    }
    System.exit(0);
  }
}
