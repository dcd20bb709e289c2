package b8g.memory;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The child process of {@link SharedRegionTest}: maps the memory a parent's peer path leads to
 * and shows that both sides see each other's writes. Arguments: {@code PEER_PATH SIZE OFFSET VALUE
 * [wait]}.
 *
 * <p>It reads the int the parent left at offset 0, writes it back at {@code OFFSET + 4} and writes
 * {@code VALUE} at {@code OFFSET}, then prints {@code mapped <int at 0>}. With {@code wait} it then
 * reads one line from stdin (the parent closes its region meanwhile), writes {@code VALUE + 1} at
 * {@code OFFSET} and prints {@code still <int at OFFSET> <int at 0>}: its mapping outlived the
 * parent's.
 */
public final class PeerMapMain {
  private PeerMapMain() {}

  public static void main(String[] args) throws Exception {
    Path peerPath = Path.of(args[0]);
    long size = Long.parseLong(args[1]);
    long offset = Long.parseLong(args[2]);
    int value = Integer.parseInt(args[3]);
    boolean wait = args.length > 4 && args[4].equals("wait");
    try (Region region = Region.mapPeer("peer", peerPath, size)) {
      int seen = region.readVolatileInt(0);
      region.writeVolatileInt(offset + 4, seen);
      region.writeVolatileInt(offset, value);
      System.out.println("mapped " + seen);
      System.out.flush();
      if (wait) {
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        region.writeVolatileInt(offset, value + 1);
        System.out.println("still " + region.readVolatileInt(offset) + " " + region.readVolatileInt(0));
      }
    }
  }
}
