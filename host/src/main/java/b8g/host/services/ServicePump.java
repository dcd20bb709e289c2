package b8g.host.services;

import b8g.components.ComponentException;
import b8g.components.ServiceBinding;
import b8g.components.ServiceValues;
import b8g.errors.B8gException;
import b8g.memory.RingDescriptor;
import b8g.memory.RingReader;
import b8g.memory.RingWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The server side of one client's binding to a Java service: a thread that reads the client's
 * requests in place from the request ring, runs each on the executor (never on the component's
 * thread, so a slow service never blocks its loop), and writes each answer to the response ring.
 * At most {@link ServiceValues#MAX_IN_FLIGHT} calls of the client run at once: beyond that the
 * pump reads no further, the client's ring fills and its stub waits (a flooding client throttles
 * only itself). Every call ends once: with the service's answer, its error, {@code
 * service.timeout} after the timeout (the service's future is cancelled), or silently when the
 * client ended ({@link #cancelAll}: futures cancelled, answers dropped).
 */
final class ServicePump implements Runnable {
  private static final int OK = 0;
  private static final int ERROR = 1;
  private static final int MAX_MESSAGE = 1024;

  private final String label;
  private final ServiceBinding binding;
  private final Service service;
  private final Executor executor;
  private final ScheduledExecutorService timer;
  private final long timeoutNanos;
  private final RingReader requests;
  private final RingWriter responses;
  /** Calls whose answers wait to be written, encoded; written by the pump thread only. */
  private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
  private final Map<Call, Boolean> running = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean closed;
  /** The client instance calls belong to: a new one (after a restart) never gets an older one's answers. */
  private volatile int epoch;
  /** Calls read and not yet answered (pump thread only). */
  private int inFlight;
  private Answer unwritten;

  private record Answer(int epoch, ByteBuffer bytes) {}

  /** One call in flight. */
  private final class Call {
    final int id;
    final int epoch;
    final String method;
    final AtomicBoolean ended = new AtomicBoolean();
    volatile Future<?> future;
    volatile ScheduledFuture<?> deadline;
    /** The thread running the service's method while it runs (guarded by the call). */
    Thread runner;

    Call(int id, int epoch, String method) {
      this.id = id;
      this.epoch = epoch;
      this.method = method;
    }
  }

  ServicePump(String service, String client, ServiceBinding binding, Service impl, Executor executor,
      ScheduledExecutorService timer, Duration timeout) {
    this.label = service + " for " + client;
    this.binding = binding;
    this.service = impl;
    this.executor = executor;
    this.timer = timer;
    this.timeoutNanos = timeout.toNanos();
    this.requests = binding.requests().reader();
    this.responses = binding.responses().writer();
    this.thread = new Thread(this, "b8g-service-" + service + "-" + client);
    thread.setDaemon(true);
    binding.requests().onReadable(this::wake);
    binding.responses().onWritable(this::wake);
  }

  void start() {
    thread.start();
  }

  private void wake() {
    LockSupport.unpark(thread);
  }

  @Override
  public void run() {
    try {
      while (!closed) {
        boolean progress = writeAnswers();
        while (unwritten == null && inFlight < ServiceValues.MAX_IN_FLIGHT && requests.read(this::request)) {
          progress = true;
        }
        if (progress) {
          continue;
        }
        boolean again = unwritten != null ? responses.armWait() : false;
        if (unwritten == null && inFlight < ServiceValues.MAX_IN_FLIGHT) {
          again |= requests.armWait();
        }
        if (!again && answers.isEmpty() && !closed) {
          LockSupport.park(this);
        }
      }
    } catch (B8gException e) {
      // The ring broke (a client that wrote impossible values, or is gone for good): nothing
      // more can be read from it. Its calls end, and the rings say the server is gone, so the
      // client's pending and later calls fail with channel.broken rather than wait for ever.
      binding.requests().markReaderGone();
      binding.responses().markWriterGone();
    } finally {
      cancelAll();
    }
  }

  /** Writes the answers that are ready; true when one was written or dropped. */
  private boolean writeAnswers() {
    boolean progress = false;
    for (;;) {
      Answer a = unwritten != null ? unwritten : answers.poll();
      if (a == null) {
        return progress;
      }
      if (a.epoch == epoch && !responses.offer(a.bytes, RingDescriptor.TYPE_BYTES)) {
        unwritten = a;
        return progress;
      }
      unwritten = null;
      inFlight--;
      progress = true;
    }
  }

  /** One request, read in place from the ring (valid only during this call). */
  private void request(int type, net.openhft.chronicle.bytes.BytesStore<?, ?> bytes, long offset, int length) {
    if (type != RingDescriptor.TYPE_BYTES || length < 5) {
      return; // no call id to answer: nothing a well-formed stub sends
    }
    ByteBuffer view = binding.requests().region().byteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    view.limit((int) offset + length).position((int) offset);
    int id = view.getInt();
    int methodLength = view.get() & 0xff;
    inFlight++;
    Call call;
    List<Object> args;
    try {
      if (view.remaining() < methodLength) {
        throw new ComponentException("service.corrupt", "malformed request: the method name runs past the end");
      }
      ByteBuffer name = view.slice(view.position(), methodLength);
      view.position(view.position() + methodLength);
      String method = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(name).toString();
      call = new Call(id, epoch, method);
      Object decoded = ServiceValues.decode(view);
      if (!(decoded instanceof List<?> list)) {
        throw new ComponentException("service.corrupt", "malformed request: the arguments are not an array");
      }
      @SuppressWarnings("unchecked")
      List<Object> a = (List<Object>) list;
      args = a;
      // Narrowing is enforced here, out of the client's reach; its stub only checks early.
      if (!binding.allows(method) || (service.methods() != null && !service.methods().contains(method))) {
        answer(call, ERROR, List.of("service.unknown_method", method + " is not a method this component may call"));
        return;
      }
    } catch (ComponentException e) {
      answerNow(id, epoch, ERROR, List.of("service.corrupt", e.getMessage()));
      return;
    } catch (CharacterCodingException e) {
      answerNow(id, epoch, ERROR, List.of("service.corrupt", "malformed request: the method name is not UTF-8"));
      return;
    }
    running.put(call, Boolean.TRUE);
    Call c = call;
    try {
      executor.execute(() -> invoke(c, args));
    } catch (RejectedExecutionException e) {
      finish(c, null, new ServiceException("service.unavailable", "the host is not taking calls now"));
      return;
    }
    c.deadline = timer.schedule(() -> finish(c, null, new ServiceException("service.timeout",
        c.method + " did not answer within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms")), timeoutNanos, TimeUnit.NANOSECONDS);
  }

  private void invoke(Call c, List<Object> args) {
    if (c.ended.get()) {
      return;
    }
    Object r;
    synchronized (c) {
      c.runner = Thread.currentThread();
    }
    try {
      r = service.call(c.method, args);
    } catch (Throwable t) {
      finish(c, null, t);
      return;
    } finally {
      synchronized (c) {
        c.runner = null;
        if (c.ended.get()) {
          Thread.interrupted(); // a timeout's interrupt is not the executor's next task's
        }
      }
    }
    if (r instanceof CompletionStage<?> stage) {
      if (adopt(c, stage.toCompletableFuture())) {
        stage.whenComplete((v, t) -> finish(c, v, t));
      }
    } else if (r instanceof Future<?> f) {
      if (!adopt(c, f)) {
        return;
      }
      try {
        long left = timeoutNanos;
        finish(c, f.get(left, TimeUnit.NANOSECONDS), null);
      } catch (ExecutionException e) {
        finish(c, null, e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        finish(c, null, new CancellationException());
      } catch (Exception e) {
        finish(c, null, e); // the timeout: the timer's answer usually came first
      }
    } else {
      finish(c, r, null);
    }
  }

  /**
   * Records {@code f} as the future of {@code c}; false, with {@code f} cancelled, if {@code c}
   * ended while its method ran (the client ended, {@link #cancelAll}, or the call timed out). The
   * future is published before {@code ended} is read, and {@link #cancelAll} and the timeout set
   * {@code ended} before they read the future, so one side or both see the other: a future is
   * never left running for a call that ended.
   */
  private static boolean adopt(Call c, Future<?> f) {
    c.future = f;
    if (c.ended.get()) {
      f.cancel(true);
      return false;
    }
    return true;
  }

  /** Ends {@code c} once, with a value or an error; later endings are ignored. */
  private void finish(Call c, Object value, Throwable error) {
    if (!c.ended.compareAndSet(false, true)) {
      return;
    }
    running.remove(c);
    ScheduledFuture<?> d = c.deadline;
    if (d != null) {
      d.cancel(false);
    }
    if (error instanceof ServiceException se && "service.timeout".equals(se.code())) {
      Future<?> f = c.future;
      if (f != null) {
        f.cancel(true);
      }
      synchronized (c) {
        if (c.runner != null) {
          c.runner.interrupt(); // a synchronous method still running gives its thread back if it can
        }
      }
    }
    if (error != null) {
      answer(c, ERROR, List.of(code(error), message(error)));
    } else {
      answer(c, OK, value);
    }
  }

  private static String code(Throwable t) {
    if (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof ServiceException se) {
      return se.code();
    }
    if (t instanceof CancellationException) {
      return "service.cancelled";
    }
    return "service.failed";
  }

  private static String message(Throwable t) {
    if (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof ServiceException se) {
      String m = se.getMessage() == null ? se.code() : se.getMessage();
      return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) : m;
    }
    if (t instanceof CancellationException) {
      return "the call was cancelled";
    }
    // Nothing of an unexpected exception: its message may name host internals.
    return "the service failed";
  }

  private void answer(Call c, int status, Object value) {
    answerNow(c.id, c.epoch, status, value);
  }

  private void answerNow(int id, int ofEpoch, int status, Object value) {
    ServiceValues.Out out = new ServiceValues.Out(5);
    try {
      ServiceValues.encode(out, value);
    } catch (ComponentException e) {
      out = new ServiceValues.Out(5);
      status = ERROR;
      ServiceValues.encode(out, List.of("service.bad_result", "the service returned " + e.getMessage()));
    } catch (RuntimeException e) {
      // A value that failed while it was read (a map changed under the encoder, a hostile
      // collection): the caller still gets an answer, with nothing of the exception.
      out = new ServiceValues.Out(5);
      status = ERROR;
      ServiceValues.encode(out, List.of("service.bad_result", "the service returned a value that could not be encoded"));
    }
    if (out.length() > responses.maxPayload()) {
      int size = out.length();
      out = new ServiceValues.Out(5);
      status = ERROR;
      ServiceValues.encode(out, List.of("service.bad_result", "the result takes " + size + " bytes; at most "
          + responses.maxPayload() + " fit"));
    }
    out.setInt(0, id);
    out.set(4, status);
    answers.add(new Answer(ofEpoch, out.buffer()));
    wake();
  }

  /**
   * The client instance ended: its calls are cancelled (their futures cancelled, their answers
   * dropped); a new instance (a restart) starts a new epoch on the same rings.
   */
  void cancelAll() {
    epoch++;
    for (Call c : running.keySet()) {
      if (c.ended.compareAndSet(false, true)) {
        running.remove(c);
        ScheduledFuture<?> d = c.deadline;
        if (d != null) {
          d.cancel(false);
        }
        Future<?> f = c.future;
        if (f != null) {
          f.cancel(true);
        }
        answers.add(new Answer(c.epoch, ByteBuffer.allocate(0))); // counted out, never written
      }
    }
    wake();
  }

  /** Calls running now (for tests and reports). */
  int running() {
    return running.size();
  }

  String label() {
    return label;
  }

  /** Stops the pump thread and cancels what runs; the rings stay (the host releases them). */
  void close() {
    closed = true;
    wake();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
