package b8g.host.manifest;

import static b8g.host.manifest.ManifestChecks.printable;

import b8g.host.manifest.schema.Backing;
import b8g.host.manifest.schema.Channel;
import b8g.host.manifest.schema.Region;
import b8g.host.manifest.schema.Right;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The rules for the handles a manifest declares: a region's size and rights, a channel's
 * capacity, and for both the backing and its options ({@code persistent} and {@code file} only for
 * SHM_FILE, a plain file name under /dev/shm). One instance per load.
 */
final class HandleRules {
  static final long MAX_REGION_SIZE = 1L << 30;
  static final long MIN_CAPACITY = 4096;
  static final long MAX_CAPACITY = 1L << 30;

  private final ManifestChecks checks;

  HandleRules(ManifestChecks checks) {
    this.checks = checks;
  }

  /** The rights the region allows (READ and WRITE when it names none). */
  Set<Right> region(Region r, String p) {
    String what = "region \"" + r.getName() + "\"";
    checks.enumValue(r.getBackingValue(), Backing.getDescriptor(), p + ".backing", p, "backing", what);
    long size = r.getSize();
    if (size == 0 || Long.compareUnsigned(size, MAX_REGION_SIZE) > 0) {
      throw checks.fail("manifest.region_size", size == 0 && !checks.has(p + ".size") ? p : p + ".size",
          (size == 0 ? what + " has no size" : what + " size " + Long.toUnsignedString(size) + " is too large")
              + "; set size to a number of bytes from 1 to " + MAX_REGION_SIZE + " (1 GiB).");
    }
    backingOptions(r.getBacking(), r.getPersistent(), r.getFile(), p, what);
    EnumSet<Right> rights = EnumSet.noneOf(Right.class);
    for (int j = 0; j < r.getRightsCount(); j++) {
      checks.enumValue(r.getRightsValue(j), Right.getDescriptor(), p + ".rights[" + j + "]", p, "right", what);
      rights.add(r.getRights(j));
    }
    if (rights.isEmpty()) {
      rights = EnumSet.of(Right.READ, Right.WRITE);
    }
    return Collections.unmodifiableSet(rights);
  }

  /** The channel's capacity ({@link ChannelSpec#DEFAULT_CAPACITY} when it names none). */
  int channel(Channel ch, String p) {
    String what = "channel \"" + ch.getName() + "\"";
    checks.enumValue(ch.getBackingValue(), Backing.getDescriptor(), p + ".backing", p, "backing", what);
    long capacity = Integer.toUnsignedLong(ch.getCapacity());
    if (capacity != 0
        && (Long.bitCount(capacity) != 1 || capacity < MIN_CAPACITY || capacity > MAX_CAPACITY)) {
      long suggestion = Math.max(MIN_CAPACITY, Math.min(MAX_CAPACITY, Long.highestOneBit(capacity)));
      throw checks.fail("manifest.channel_capacity", p + ".capacity",
          what + " capacity " + capacity + " is not a power of two from " + MIN_CAPACITY + " to " + MAX_CAPACITY
              + "; use for example " + suggestion + ", or leave it out for the default ("
              + ChannelSpec.DEFAULT_CAPACITY + ").");
    }
    backingOptions(ch.getBacking(), ch.getPersistent(), ch.getFile(), p, what);
    return capacity == 0 ? ChannelSpec.DEFAULT_CAPACITY : (int) capacity;
  }

  private void backingOptions(Backing backing, boolean persistent, String shmFile, String p, String what) {
    if (backing == Backing.ANONYMOUS && (persistent || !shmFile.isEmpty())) {
      throw checks.fail("manifest.backing_option", p + (persistent ? ".persistent" : ".file"),
          (persistent ? "persistent" : "file") + " is only for backing SHM_FILE, but " + what
              + " is ANONYMOUS (private memory, no file); remove it or use backing: SHM_FILE.");
    }
    if (!shmFile.isEmpty()
        && (shmFile.contains("/") || shmFile.contains("..") || shmFile.contains("\0") || shmFile.equals(".")
            || shmFile.length() > 200)) {
      throw checks.fail("manifest.invalid_file_name", p + ".file",
          "file \"" + printable(shmFile) + "\" of " + what + " must be a plain file name under /dev/shm "
              + "(no '/', no '..', at most 200 characters); for example file: \"b8g-" + what.replaceAll(".*\"(.*)\"", "$1")
              + "\".");
    }
  }
}
