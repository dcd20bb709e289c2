package b8g.host.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A component started a child with run. */
@Name("b8g.ChildStart")
@Label("Child Start")
@Category("b8g")
@Description("A component started a child with run.")
@StackTrace(false)
final class ChildStartEvent extends Event {
  @Label("Component")
  String component;

  @Label("Parent")
  String parent;

  @Label("Script")
  String script;
}
