/**
 * The host's events ({@code b8g.host.HostEvent}) as JDK Flight Recorder events, category "b8g", so
 * a recording of a host shows grants, links, starts, ends, terminations and deadlocks beside GC and
 * threads. {@link b8g.host.jfr.JfrEvents} is the one entry: it touches the event classes only when
 * the {@code jdk.jfr} module is present and Flight Recorder is available, and an event is filled
 * and committed only while a recording enables it ({@code shouldCommit()}). One event class per
 * file; the names ({@code b8g.Grant}, ...) are the stable part a recording is read by.
 */
package b8g.host.jfr;
