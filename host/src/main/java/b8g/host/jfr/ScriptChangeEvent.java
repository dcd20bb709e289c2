package b8g.host.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A component's script changed under --watch. */
@Name("b8g.ScriptChange")
@Label("Script Change")
@Category("b8g")
@Description("A component's script changed under --watch.")
@StackTrace(false)
final class ScriptChangeEvent extends Event {
  @Label("Component")
  String component;

  @Label("File")
  String file;
}
