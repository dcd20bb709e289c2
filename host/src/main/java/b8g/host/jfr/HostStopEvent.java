package b8g.host.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** The host closed. */
@Name("b8g.HostStop")
@Label("Host Stop")
@Category("b8g")
@Description("The host closed.")
@StackTrace(false)
final class HostStopEvent extends Event {
}
