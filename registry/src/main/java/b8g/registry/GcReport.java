package b8g.registry;

import java.util.List;

/**
 * What {@link Registry#gc()} freed.
 *
 * @param removedBlobs digests of the blobs deleted
 * @param bytesFreed their total size
 * @param droppedReferrers referrers (signatures) whose subject was gone, removed from the index
 * @param removedTempFiles leftovers of interrupted writes that were deleted
 */
public record GcReport(List<String> removedBlobs, long bytesFreed, int droppedReferrers, int removedTempFiles) {
  public GcReport {
    removedBlobs = List.copyOf(removedBlobs);
  }
}
