package b8g.host.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A failed component is started again. */
@Name("b8g.Restart")
@Label("Restart")
@Category("b8g")
@Description("A failed component is started again.")
@StackTrace(false)
final class RestartEvent extends Event {
  @Label("Component")
  String component;

  @Label("Attempt")
  int attempt;

  @Label("Max Restarts")
  int max;
}
