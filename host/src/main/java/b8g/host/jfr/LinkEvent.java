package b8g.host.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A component linked to another's exports. */
@Name("b8g.Link")
@Label("Link")
@Category("b8g")
@Description("A component linked to another's exports.")
@StackTrace(false)
final class LinkEvent extends Event {
  @Label("Component")
  String component;

  @Label("Linked To")
  String to;

  @Label("Exports")
  String exports;
}
