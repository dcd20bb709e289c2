package b8g.host.manifest;

import b8g.host.manifest.schema.Component;
import b8g.host.manifest.schema.Manifest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The order in which the components start: every one after those its {@code after} names, and
 * among the ready the lowest manifest index first, so the order is stable (Kahn's algorithm). A
 * cycle is an error that names it, from its lowest index.
 */
final class StartOrder {
  private StartOrder() {}

  /** Component indices in start order; {@code afters.get(i)} is what component i waits for. */
  static List<Integer> of(Manifest m, List<List<String>> afters, Map<String, Integer> componentIndex, ManifestChecks checks) {
    int n = afters.size();
    int[] waiting = new int[n];
    List<List<Integer>> dependents = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      dependents.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      waiting[i] = afters.get(i).size();
      for (String dep : afters.get(i)) {
        dependents.get(componentIndex.get(dep)).add(i);
      }
    }
    PriorityQueue<Integer> ready = new PriorityQueue<>();
    for (int i = 0; i < n; i++) {
      if (waiting[i] == 0) {
        ready.add(i);
      }
    }
    List<Integer> order = new ArrayList<>();
    while (!ready.isEmpty()) {
      int next = ready.poll();
      order.add(next);
      for (int d : dependents.get(next)) {
        if (--waiting[d] == 0) {
          ready.add(d);
        }
      }
    }
    if (order.size() == n) {
      return order;
    }
    throw cycle(m, afters, componentIndex, waiting, checks);
  }

  /**
   * Every component left waits for another one left, so following the first such "after" from any
   * of them must come back to a component already seen: that loop is a cycle.
   */
  private static ManifestException cycle(Manifest m, List<List<String>> afters, Map<String, Integer> componentIndex,
      int[] waiting, ManifestChecks checks) {
    int n = afters.size();
    int start = 0;
    while (waiting[start] == 0) {
      start++;
    }
    List<Integer> walk = new ArrayList<>();
    int[] seenAt = new int[n];
    Arrays.fill(seenAt, -1);
    int cur = start;
    while (seenAt[cur] < 0) {
      seenAt[cur] = walk.size();
      walk.add(cur);
      for (String dep : afters.get(cur)) {
        int d = componentIndex.get(dep);
        if (waiting[d] > 0) {
          cur = d;
          break;
        }
      }
    }
    List<Integer> cycle = new ArrayList<>(walk.subList(seenAt[cur], walk.size()));
    int lowest = cycle.indexOf(Collections.min(cycle));
    Collections.rotate(cycle, -lowest);
    List<String> names = new ArrayList<>();
    for (int i : cycle) {
      names.add(m.getComponents(i).getName());
    }
    names.add(names.get(0));
    Component first = m.getComponents(cycle.get(0));
    int entry = first.getAfterList().indexOf(names.get(1));
    return checks.fail("manifest.after_cycle", "components[" + cycle.get(0) + "].after[" + entry + "]",
        "the after entries form a cycle: " + String.join(" -> ", names)
            + " (each waits for the next), so none of them could start; remove one of these after entries.");
  }
}
