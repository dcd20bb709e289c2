package b8g.snapshots;

import b8g.capabilities.Capability;
import b8g.capabilities.Right;
import b8g.components.Component;
import b8g.components.ComponentSnapshot;
import b8g.components.EngineVersion;
import b8g.errors.B8gException;
import b8g.errors.Printable;
import b8g.host.Host;
import b8g.host.ImageWriter;
import b8g.host.manifest.ComponentSpec;
import b8g.memory.Region;
import b8g.memory.Ring;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Takes stack images of a running host and restores hosts from them: the bridge between the
 * live stack ({@link Host#checkpoint}, {@link Component.Paused#snapshot}) and the image format.
 *
 * <p>Taking: every running manifest component is paused at a turn boundary, then every region and
 * channel ring is copied (a consistent cut: nothing that shares them runs), then each component's
 * V8 context is taken, the image is written atomically, and everything goes on. Restoring: the
 * image is validated completely (structure, checksums, and compatibility with this process: V8
 * and Javet versions, V8 flags, ABI, OS and architecture) before V8 sees a byte; then a host is
 * launched whose regions and rings hold the saved bytes and whose components continue from their
 * contexts, with the grants of the manifest given now.
 *
 * <p>The image names its components in its COMPONENT_ORDER section ({@link
 * StackImage#componentNames()}, in CONTEXT id order) and records the manifest file it was taken
 * from in the MANIFEST section ({@value #MANIFEST_LINE} followed by the absolute path).
 */
public final class Snapshots {
  /** The line of the MANIFEST section that names the manifest file the image was taken from. */
  public static final String MANIFEST_LINE = "# b8g image manifest: ";

  private Snapshots() {}

  /** This process, as an image must match it to be restored here. Loads V8 on first use. */
  public static Compatibility compatibility() {
    EngineVersion v = EngineVersion.current();
    return new Compatibility(v.engine(), v.javet(), v.v8(), Compatibility.canonicalOs(System.getProperty("os.name")),
        Compatibility.canonicalArch(System.getProperty("os.arch")), v.flags(), v.abi());
  }

  /** This format's writer, for {@link Host.Context#imageWriter}: {@link #write} and its magic. */
  public static ImageWriter imageWriter() {
    return IMAGE_WRITER;
  }

  private static final ImageWriter IMAGE_WRITER = new ImageWriter() {
    @Override
    public void write(Host host, Path file, Duration timeout) {
      Snapshots.write(host, file, timeout);
    }

    @Override
    public byte[] magic() {
      return StackImageDescriptor.MAGIC.clone();
    }
  };

  /**
   * Writes an image of every running manifest component of {@code host} to {@code file}
   * (atomically). The components are paused for the copy and the context blobs, then go on.
   *
   * @throws b8g.errors.B8gException a component refused (its code says why: snapshot.disabled,
   *     snapshot.unsupported, snapshot.busy, ...) or the image could not be written
   */
  public static ImageSummary write(Host host, Path file, Duration timeout) {
    return write(host, file, timeout, null);
  }

  /**
   * As {@link #write(Host, Path, Duration)}, but only the contexts of the components named in
   * {@code only} (null: all) go into the image. Every manifest component is still paused and all
   * memory is copied, because the named ones share it with the others: the cut stays consistent.
   * On restore, the components not in the image start from their scripts.
   *
   * @throws b8g.errors.B8gException {@code snapshot.unknown} (usage) when a name is not a running
   *     manifest component; otherwise as {@link #write(Host, Path, Duration)}
   */
  public static ImageSummary write(Host host, Path file, Duration timeout, Set<String> only) {
    return write(host, file, timeout, only, CONTEXT_DEFLATE_LEVEL);
  }

  /**
   * The level at which context blobs are deflated (see snapshots/README.md, "Figures"). Level 3
   * takes a small component's blob to 27% of its size; it inflates in about half the time level 1's
   * output does (which restore pays) and deflates about a third slower (which the snapshot pays,
   * after the components went on and while the region bytes are being flushed). Level 6 inflates
   * faster still but deflates twice as slowly as level 3.
   */
  static final int CONTEXT_DEFLATE_LEVEL = 3;

  /** As {@link #write(Host, Path, Duration, Set)}, with context blobs deflated at {@code level} (0: stored). */
  static ImageSummary write(Host host, Path file, Duration timeout, Set<String> only, int deflateLevel) {
    if (only != null) {
      for (String name : only) {
        Component c = host.component(name);
        if (c == null || c.status() != null) {
          throw new B8gException(B8gException.Category.USAGE, "snapshot.unknown",
              "no running component named \"" + name + "\" in this host (running: " + String.join(", ", running(host)) + ")");
        }
      }
    }
    long t0 = System.nanoTime();
    StackImageWriter w = new StackImageWriter(compatibility()).deflateContexts(deflateLevel);
    List<String> names = new ArrayList<>();
    long t1;
    StackImageWriter.Output out = null;
    try (Host.Checkpoint cp = host.checkpoint(timeout)) {
      // The layout is fixed before anything is written: every region, and one context per
      // component in the image, whose blob is filled in once it is taken.
      Map<String, Region> regions = cp.regions();
      for (Map.Entry<String, Region> e : regions.entrySet()) {
        Region r = e.getValue();
        RegionRecord.Backing backing = cp.sharedFile(e.getKey()) ? RegionRecord.Backing.SHARED_FILE : RegionRecord.Backing.ANONYMOUS;
        // Read while paused (writeRegions below), straight from the region's memory into the file.
        w.addRegion(new RegionRecord(e.getKey(), r.size(), backing, StackImageDescriptor.RIGHT_READ | StackImageDescriptor.RIGHT_WRITE),
            () -> r.byteBuffer().duplicate().clear());
      }
      List<Map.Entry<String, Component.Paused>> taken = new ArrayList<>();
      for (Map.Entry<String, Component.Paused> e : cp.components().entrySet()) {
        if (only == null || only.contains(e.getKey())) {
          taken.add(e);
        }
      }
      ByteBuffer[] blobs = new ByteBuffer[taken.size()];
      for (int i = 0; i < taken.size(); i++) {
        int id = i;
        w.addContext(taken.get(i).getKey(), () -> blobs[id]);
      }
      out = w.open(file);
      // Copy all memory first: a context's resumption below may read or write it again.
      out.writeRegions();
      for (int i = 0; i < taken.size(); i++) {
        ComponentSnapshot snap = taken.get(i).getValue().snapshot();
        blobs[i] = ByteBuffer.wrap(snap.blob());
        names.add(taken.get(i).getKey());
        for (Map.Entry<String, Capability> h : snap.held().entrySet()) {
          w.addCapability(new CapabilityEntry(i, h.getKey(), kindName(h.getValue()), targetName(h.getValue()), Right.mask(h.getValue().rights())));
        }
      }
      String manifestFile = host.manifest().file() == null ? "" : host.manifest().file().toAbsolutePath().toString();
      w.manifest(MANIFEST_LINE + manifestFile + "\n");
    } catch (RuntimeException | Error e) {
      if (out != null) {
        out.close();
      }
      throw e;
    } finally {
      t1 = System.nanoTime();
    }
    out.commit();
    return new ImageSummary(file, names, (t1 - t0) / 1_000, (System.nanoTime() - t1) / 1_000);
  }

  /** The names of the manifest components of {@code host} that are running now. */
  public static List<String> running(Host host) {
    List<String> out = new ArrayList<>();
    for (ComponentSpec spec : host.manifest().components()) {
      Component c = host.component(spec.name());
      if (c != null && c.status() == null) {
        out.add(spec.name());
      }
    }
    return out;
  }

  /** What {@link #write} did: the components in the image and how long they were paused (us). */
  public record ImageSummary(Path file, List<String> components, long pausedMicros, long writeMicros) {}

  /**
   * Validates the image at {@code file} against this process and launches a host from it with
   * {@code ctx}'s manifest (which decides what is granted now). Regions and channels of the image
   * that the manifest declares with the same size are refilled; components it names continue from
   * their contexts; anything else starts fresh.
   *
   * @throws ImageException before any V8 work if the image is corrupt or incompatible
   */
  public static Host restore(Path file, Host.Context ctx) {
    StackImage image = StackImage.open(file, compatibility());
    return restore(image, ctx);
  }

  /** As {@link #restore(Path, Host.Context)} for an image already opened with a compatibility check. */
  public static Host restore(StackImage image, Host.Context ctx) {
    List<String> names = image.componentNames();
    Map<String, ByteBuffer> regions = new LinkedHashMap<>();
    for (int i = 0; i < image.regions().size(); i++) {
      regions.put(image.regions().get(i).name(), image.regionBytes(i));
    }
    Map<String, List<String>> held = new LinkedHashMap<>();
    for (CapabilityEntry e : image.capabilities()) {
      held.computeIfAbsent(names.get(e.component()), k -> new ArrayList<>()).add(e.envName());
    }
    Map<String, Host.Restored> components = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      byte[] bytes = image.contextBytes(i);
      String problem = ComponentSnapshot.restoreProblem(bytes);
      if (problem != null) {
        throw new ImageException(ImageException.INCOMPATIBLE, image.source() + ": component " + Printable.quoted(names.get(i)) + ": " + problem);
      }
      components.put(names.get(i), new Host.Restored(bytes, held.getOrDefault(names.get(i), List.of())));
    }
    try {
      return Host.launch(ctx.restore(regions, components).imageWriter(Snapshots.imageWriter()));
    } catch (InternalError fault) {
      // The region bytes are views of the image's mapping, copied into fresh regions during the
      // launch (which closed the host): a fault there means the file was cut short in place.
      throw ImageBytes.truncatedWhileRead(image.source(), fault);
    }
  }

  /**
   * The manifest file recorded in an image, or null.
   *
   * @throws ImageException {@value ImageException#MALFORMED} when the recorded path is no path or
   *     holds control or format characters (b8g records an absolute path of the host it ran on; a
   *     path like that would reach messages and terminals as it is)
   */
  public static Path manifestOf(StackImage image) {
    for (String line : image.manifest().split("\n")) {
      if (line.startsWith(MANIFEST_LINE) && line.length() > MANIFEST_LINE.length()) {
        String recorded = line.substring(MANIFEST_LINE.length());
        try {
          if (Printable.isPlain(recorded)) {
            return Path.of(recorded);
          }
        } catch (java.nio.file.InvalidPathException e) {
          // refused below
        }
        throw new ImageException(ImageException.MALFORMED, image.source() + ": the manifest path recorded in the image, "
            + Printable.quoted(recorded) + ", is not a usable path (control or format characters); pass the manifest"
            + " explicitly (b8g restore --manifest)");
      }
    }
    return null;
  }

  private static String kindName(Capability c) {
    return switch (c.kind()) {
      case REGION -> "region";
      case CHANNEL_READER -> "channel.in";
      case CHANNEL_WRITER -> "channel.out";
      default -> c.kind().name().toLowerCase(Locale.ROOT);
    };
  }

  private static String targetName(Capability c) {
    return switch (c.kind()) {
      case REGION -> c.target(Region.class).name();
      case CHANNEL_READER, CHANNEL_WRITER -> c.target(Ring.class).region().name();
      default -> "";
    };
  }
}
