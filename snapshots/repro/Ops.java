import com.caoccao.javet.interop.V8Host;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.interop.options.V8RuntimeOptions;
import java.util.*;

/**
 * Javet-only op-sequence reproducer, all on the main thread.
 * java -cp CP Ops.java "c0 c1 s0 x0 r0 s1 x1 r1 ..."
 *  cN create fresh snapshot-enabled isolate for slot N      pN create fresh plain isolate
 *  sN createSnapshot of slot N (blob kept per slot)          xN close slot N
 *  rN restore slot N from its last blob, snapshot-enabled    qN restore, plain (not snapshot-enabled)
 *  eN eval in slot N   g  System.gc   lN lowMemoryNotification on N   *K repeat whole sequence K times
 */
public class Ops {
  public static void main(String[] a) throws Exception {
    String flags = System.getProperty("v8flags");
    if (flags != null) V8RuntimeOptions.V8_FLAGS.setCustomFlags(flags);
    Map<Integer, V8Runtime> rts = new HashMap<>();
    Map<Integer, byte[]> blobs = new HashMap<>();
    String seq = a[0];
    int times = a.length > 1 ? Integer.parseInt(a[1]) : 1;
    for (int t = 0; t < times; t++) {
      for (String op : seq.trim().split("\\s+")) {
        char c = op.charAt(0);
        int n = op.length() > 1 ? Integer.parseInt(op.substring(1)) : 0;
        System.out.print(op + " "); System.out.flush();
        switch (c) {
          case 'c', 'p' -> {
            V8RuntimeOptions o = new V8RuntimeOptions(); o.setCreateSnapshotEnabled(c == 'c');
            V8Runtime r = V8Host.getV8Instance().createV8Runtime(o);
            r.getExecutor("globalThis.n = 0; globalThis.tag = 'L" + n + "'; globalThis.big = new Array(1000).fill(0).map((_, i) => ({i, s: 'x' + i}));").executeVoid();
            rts.put(n, r);
          }
          case 'r', 'q' -> {
            V8RuntimeOptions o = new V8RuntimeOptions(); o.setCreateSnapshotEnabled(c == 'r'); o.setSnapshotBlob(blobs.get(n));
            V8Runtime r = V8Host.getV8Instance().createV8Runtime(o);
            String tag = r.getExecutor("globalThis.tag").executeString();
            if (!tag.equals("L" + n)) throw new IllegalStateException("slot " + n + " restored " + tag);
            rts.put(n, r);
          }
          case 's' -> { V8Runtime r = rts.get(n); r.getExecutor("++globalThis.n").executeInteger(); blobs.put(n, r.createSnapshot()); }
          case 'x' -> rts.remove(n).close();
          case 'e' -> rts.get(n).getExecutor("++globalThis.n").executeInteger();
          case 'l' -> rts.get(n).lowMemoryNotification();
          case 'g' -> System.gc();
          default -> throw new IllegalArgumentException(op);
        }
      }
      System.out.println("| pass " + t);
    }
    for (V8Runtime r : rts.values()) r.close();
    System.out.println("DONE");
  }
}
