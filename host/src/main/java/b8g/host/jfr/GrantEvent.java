package b8g.host.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A capability or a link secret was put in a component's env (never the secret itself). */
@Name("b8g.Grant")
@Label("Grant")
@Category("b8g")
@Description("A capability or a link secret was put in a component's env (never the secret itself).")
@StackTrace(false)
final class GrantEvent extends Event {
  @Label("Component")
  String component;

  @Label("Env Name")
  String env;

  @Label("Capability")
  String capability;

  @Label("Target")
  String target;

  @Label("Rights")
  String rights;

  @Label("Origin")
  String origin;
}
