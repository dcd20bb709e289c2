package b8g.registry;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * The body of an answer through the JDK {@code HttpClient}, collected whole (at most {@code limit
 * + 1} bytes, then the rest is refused and the connection dropped) before the exchange completes.
 * Every such body here is small (manifests, tag pages, tokens, error texts), and collecting it
 * inside the exchange means that cancelling the exchange (see {@link HttpTransport#call}) also
 * ends a body that stalls: the client's own body stream waits uninterruptibly. Readers see the
 * bytes as a stream and apply their own, lower limits ({@link HttpTransport#readLimited}).
 */
final class CollectedBody implements HttpResponse.BodySubscriber<InputStream> {
  private final long limit;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final CompletableFuture<InputStream> result = new CompletableFuture<>();
  private Flow.Subscription subscription;

  private CollectedBody(long limit) {
    this.limit = limit;
  }

  /**
   * A handler collecting each body of a 2xx answer up to {@code limit + 1} bytes, and any other
   * answer's (an error text, a redirect's, a 401's) up to {@link HttpErrors#BODY_LIMIT} + 1 bytes,
   * all that is ever read of those: an error body that trickles or stalls beyond that ends the
   * exchange instead of holding it.
   */
  static HttpResponse.BodyHandler<InputStream> handler(long limit) {
    return info -> new CollectedBody(info.statusCode() / 100 == 2 ? limit : Math.min(limit, HttpErrors.BODY_LIMIT));
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    for (ByteBuffer b : items) {
      int n = (int) Math.min(b.remaining(), limit + 1 - bytes.size());
      byte[] a = new byte[n];
      b.get(a);
      bytes.write(a, 0, n);
      if (bytes.size() > limit) {
        subscription.cancel(); // over the limit: the reader refuses it, the rest is not read
        done();
        return;
      }
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable t) {
    result.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    done();
  }

  private void done() {
    result.complete(new ByteArrayInputStream(bytes.toByteArray()));
  }

  @Override
  public CompletionStage<InputStream> getBody() {
    return result;
  }
}
