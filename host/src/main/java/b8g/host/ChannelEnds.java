package b8g.host;

import b8g.capabilities.Capability;
import b8g.memory.Ring;
import java.util.Map;
import java.util.HashMap;

/**
 * Who holds each end of each channel, so that an end whose holder is gone for good is marked gone
 * on its ring ({@link Ring#markWriterGone()}, {@link Ring#markReaderGone()}) and the other side
 * learns it ({@code channel.broken}) instead of waiting for ever.
 *
 * <p>A holder is a key the host chooses: a manifest component's supervision record for the ends
 * its manifest grants (they come back with a restart, so they are released only when it has ended
 * for good), or one instance (a child started by {@code run}, a component that took an end by
 * {@code link}), whose ends are gone when it ends. The latest {@link #hold} of an end wins, so a
 * holder that gave an end away no longer releases it. Thread-safe; {@link #close} ends all
 * marking, so that nothing writes to a ring after the host has released its memory.
 */
final class ChannelEnds {
  private record End(Ring ring, boolean writer) {}

  private final Map<End, Object> holders = new HashMap<>();
  private boolean closed;

  /** Records {@code holder} as the holder of the channel end {@code cap} (others are ignored). */
  synchronized void hold(Capability cap, Object holder) {
    End end = endOf(cap);
    if (end != null) {
      holders.put(end, holder);
    }
  }

  /**
   * As {@link #hold}, for an end handed to a new holder that starts now (a manifest component's
   * start or restart): the end is open again, whatever an earlier holder left in its state word,
   * and the other end is woken. An earlier holder that was ended between clearing the other end's
   * waiting flag and waking it (a kill -9 of its worker, a termination inside a turn) would
   * otherwise leave that end parked for ever with nobody to wake it: woken now, it looks again and
   * sets its flag anew, which the new holder honours.
   */
  synchronized void take(Capability cap, Object holder) {
    End end = endOf(cap);
    if (end != null && !closed) {
      holders.put(end, holder);
      end.ring.reopen(end.writer, !end.writer);
      if (end.writer) {
        end.ring.wakeReader();
      } else {
        end.ring.wakeWriter();
      }
    }
  }

  /**
   * {@code holder} is gone for good: every end it still holds is marked gone and its peer woken.
   * Call only once the holder has stopped touching its rings (its isolate is closed).
   */
  synchronized void release(Object holder) {
    if (closed) {
      return;
    }
    for (var it = holders.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<End, Object> e = it.next();
      if (holder.equals(e.getValue())) {
        it.remove();
        End end = e.getKey();
        if (end.writer) {
          end.ring.markWriterGone();
        } else {
          end.ring.markReaderGone();
        }
      }
    }
  }

  /** From now on nothing is marked: the host is about to release the rings' memory. */
  synchronized void close() {
    closed = true;
    holders.clear();
  }

  private static End endOf(Capability cap) {
    return switch (cap.kind()) {
      case CHANNEL_WRITER -> new End(cap.target(Ring.class), true);
      case CHANNEL_READER -> new End(cap.target(Ring.class), false);
      default -> null;
    };
  }
}
