package b8g.host.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A manifest component started. */
@Name("b8g.Start")
@Label("Component Start")
@Category("b8g")
@Description("A manifest component started.")
@StackTrace(false)
final class StartEvent extends Event {
  @Label("Component")
  String component;

  @Label("Script")
  String script;

  @Label("Isolation")
  String isolation;

  @Label("Worker PID")
  long workerPid;

  @Label("Attempt")
  int attempt;
}
