package b8g.host.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** The host revoked a capability and everything derived from it. */
@Name("b8g.Revoke")
@Label("Revoke")
@Category("b8g")
@Description("The host revoked a capability and everything derived from it.")
@StackTrace(false)
final class RevokeEvent extends Event {
  @Label("Component")
  String component;

  @Label("Env Name")
  String env;
}
