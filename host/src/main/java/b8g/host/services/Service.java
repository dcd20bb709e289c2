package b8g.host.services;

import java.util.List;
import java.util.Set;

/**
 * A service the embedding application serves to components: the host calls {@link #call} for each
 * request, on an executor thread (never a component's), and sends back what it returns.
 *
 * <p>Arguments arrive decoded as {@link b8g.components.ServiceValues} says (null, Boolean, Double,
 * BigInteger, String, byte[], List, Map). The result is such a value, or a {@link
 * java.util.concurrent.CompletionStage} or {@link java.util.concurrent.Future} of one; a result
 * that cannot be encoded fails the call with {@code service.bad_result}. Throw a {@link
 * ServiceException} for an error code the caller sees.
 *
 * <p>{@link #of(Object)} makes one from the public methods of any object.
 */
@FunctionalInterface
public interface Service {
  /** Serves one call; may be called from several threads at once. */
  Object call(String method, List<Object> args) throws Exception;

  /** The methods this service has, or null when it does not say (every name is tried). */
  default Set<String> methods() {
    return null;
  }

  /**
   * A service whose methods are the public instance methods declared by {@code impl}'s own class
   * and by its public superclasses, up to the first class of the platform ({@code java.*}, {@code
   * javax.*}, {@code jdk.*}); never a method of {@link Object}, {@link Record} or {@link Enum}, nor
   * one that overrides or implements a method of a platform type ({@code toString}, {@code equals},
   * {@code hashCode}, {@code AutoCloseable.close}, {@code compareTo}, ...), nor a static, bridge or
   * synthetic method. A method name may not be overloaded. Arguments convert to the parameter types: {@code
   * double}/{@code Double}, {@code float}, {@code long}/{@code Long}, {@code int}/{@code Integer},
   * {@code short}, {@code byte} (from an integral number in range), {@code boolean}, {@link
   * String}, {@link java.math.BigInteger} (from a bigint or an integral number), {@code byte[]},
   * {@link List}, {@link java.util.Map}, {@link Object} (as decoded); anything else is {@code
   * service.bad_args}, as is a call with another number of arguments.
   *
   * @throws IllegalArgumentException when {@code impl} has no such method or overloads one
   */
  static Service of(Object impl) {
    return ReflectiveService.of(impl);
  }
}
