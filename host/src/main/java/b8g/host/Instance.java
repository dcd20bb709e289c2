package b8g.host;

import b8g.components.Component;
import b8g.components.Component.ExitStatus;
import b8g.host.worker.RemoteComponent;
import java.time.Duration;

/**
 * One running instance of a component, wherever its isolate is: in this JVM ({@link Local}) or in
 * a worker process ({@link Remote}). What supervision and closing need of both.
 */
sealed interface Instance {
  String name();

  /** How it ended, or null while it runs. */
  ExitStatus status();

  void terminate(String reason);

  boolean awaitStarted(Duration timeout) throws InterruptedException;

  ExitStatus awaitExit(Duration timeout) throws InterruptedException;

  /** The isolate's component when it runs in this JVM, else null. */
  default Component local() {
    return null;
  }

  /** A component in this JVM. */
  record Local(Component c) implements Instance {
    @Override
    public String name() {
      return c.name();
    }

    @Override
    public ExitStatus status() {
      return c.status();
    }

    @Override
    public void terminate(String reason) {
      c.terminate(reason);
    }

    @Override
    public boolean awaitStarted(Duration timeout) throws InterruptedException {
      return c.awaitStarted(timeout);
    }

    @Override
    public ExitStatus awaitExit(Duration timeout) throws InterruptedException {
      return c.awaitExit(timeout);
    }

    @Override
    public Component local() {
      return c;
    }
  }

  /** A component in a worker process. */
  record Remote(RemoteComponent c) implements Instance {
    @Override
    public String name() {
      return c.name();
    }

    @Override
    public ExitStatus status() {
      return c.status();
    }

    @Override
    public void terminate(String reason) {
      c.terminate(reason);
    }

    @Override
    public boolean awaitStarted(Duration timeout) throws InterruptedException {
      return c.awaitStarted(timeout);
    }

    @Override
    public ExitStatus awaitExit(Duration timeout) throws InterruptedException {
      return c.awaitExit(timeout);
    }
  }
}
