package b8g.host.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A component offered a capability to whoever links to it. */
@Name("b8g.Export")
@Label("Export")
@Category("b8g")
@Description("A component offered a capability to whoever links to it.")
@StackTrace(false)
final class ExportEvent extends Event {
  @Label("Component")
  String component;

  @Label("Name")
  String name;

  @Label("Capability")
  String capability;

  @Label("Target")
  String target;
}
