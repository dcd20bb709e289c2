package b8g.host.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A component ended: exited, failed or terminated, with a cause code such as limit.cpu. */
@Name("b8g.End")
@Label("Component End")
@Category("b8g")
@Description("A component ended: exited, failed or terminated, with a cause code such as limit.cpu.")
@StackTrace(false)
final class EndEvent extends Event {
  @Label("Component")
  String component;

  @Label("Outcome")
  String outcome;

  @Label("Exit Code")
  int code;

  @Label("Cause")
  String cause;

  @Label("Reason")
  String reason;
}
