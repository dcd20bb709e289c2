package b8g.host.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** No component could make progress; the host ended them all. */
@Name("b8g.Deadlock")
@Label("Deadlock")
@Category("b8g")
@Description("No component could make progress; the host ended them all.")
@StackTrace(false)
final class DeadlockEvent extends Event {
  @Label("Who Waits On What")
  String waits;
}
