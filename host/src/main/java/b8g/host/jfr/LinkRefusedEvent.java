package b8g.host.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A component's link was refused. */
@Name("b8g.LinkRefused")
@Label("Link Refused")
@Category("b8g")
@Description("A component's link was refused.")
@StackTrace(false)
final class LinkRefusedEvent extends Event {
  @Label("Component")
  String component;

  @Label("Reason")
  String reason;
}
