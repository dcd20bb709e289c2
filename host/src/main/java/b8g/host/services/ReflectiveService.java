package b8g.host.services;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@link Service#of}: a service of an object's public methods, arguments converted to their parameter types. */
final class ReflectiveService implements Service {
  private final Object impl;
  private final Map<String, Method> methods;

  private ReflectiveService(Object impl, Map<String, Method> methods) {
    this.impl = impl;
    this.methods = methods;
  }

  static ReflectiveService of(Object impl) {
    if (impl == null) {
      throw new IllegalArgumentException("a service needs an object");
    }
    Map<String, Method> methods = new LinkedHashMap<>();
    for (Class<?> c = impl.getClass(); c != null && !jdk(c); c = c.getSuperclass()) {
      // The object's own class may be a nested or hidden class; a superclass only if public.
      if (c != impl.getClass() && !Modifier.isPublic(c.getModifiers())) {
        continue;
      }
      for (Method m : c.getDeclaredMethods()) {
        int mod = m.getModifiers();
        if (!Modifier.isPublic(mod) || Modifier.isStatic(mod) || m.isBridge() || m.isSynthetic() || overridesJdk(m, c)) {
          continue;
        }
        Method before = methods.get(m.getName());
        if (before != null) {
          if (java.util.Arrays.equals(before.getParameterTypes(), m.getParameterTypes())) {
            continue; // overridden by a subclass, seen first
          }
          throw new IllegalArgumentException("service method " + m.getName() + " is overloaded; give each method its own name");
        }
        // A public method of a class that is not public (a lambda, a nested class) needs this to be called.
        if (!m.trySetAccessible()) {
          throw new IllegalArgumentException("service method " + m.getName() + " cannot be called from the host");
        }
        methods.put(m.getName(), m);
      }
    }
    if (methods.isEmpty()) {
      throw new IllegalArgumentException("the service object has no public methods");
    }
    return new ReflectiveService(impl, Collections.unmodifiableMap(methods));
  }

  /** A class of the platform (Object, Record, Enum, the JDK's): none of its methods is a service method. */
  private static boolean jdk(Class<?> c) {
    String n = c.getName();
    return n.startsWith("java.") || n.startsWith("javax.") || n.startsWith("jdk.") || n.startsWith("sun.");
  }

  /**
   * Whether {@code m}, declared by {@code c}, overrides or implements a method of a platform
   * type: toString, equals, hashCode (also a record's generated ones), AutoCloseable.close,
   * Comparable.compareTo, Runnable.run, ...
   */
  private static boolean overridesJdk(Method m, Class<?> c) {
    java.util.ArrayDeque<Class<?>> todo = new java.util.ArrayDeque<>();
    todo.add(c);
    todo.add(Object.class);
    while (!todo.isEmpty()) {
      Class<?> t = todo.poll();
      if (jdk(t)) {
        for (Method j : t.getMethods()) {
          if (j.getName().equals(m.getName()) && overrides(m.getParameterTypes(), j.getParameterTypes())) {
            return true; // also through a generic type's erasure: compareTo(T) is compareTo(Object)
          }
        }
      }
      if (t.getSuperclass() != null) {
        todo.add(t.getSuperclass());
      }
      java.util.Collections.addAll(todo, t.getInterfaces());
    }
    return false;
  }

  private static boolean overrides(Class<?>[] mine, Class<?>[] theirs) {
    if (mine.length != theirs.length) {
      return false;
    }
    for (int i = 0; i < mine.length; i++) {
      if (!theirs[i].isAssignableFrom(mine[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Set<String> methods() {
    return methods.keySet();
  }

  @Override
  public Object call(String method, List<Object> args) throws Exception {
    Method m = methods.get(method);
    if (m == null) {
      throw new ServiceException("service.unknown_method", method + " is not a method of this service");
    }
    Class<?>[] types = m.getParameterTypes();
    if (types.length != args.size()) {
      throw new ServiceException("service.bad_args", method + " takes " + types.length + " argument" + (types.length == 1 ? "" : "s")
          + ", not " + args.size());
    }
    Object[] converted = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      converted[i] = convert(args.get(i), types[i], method, i);
    }
    try {
      return m.invoke(impl, converted);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception x) {
        throw x;
      }
      throw new IllegalStateException("the service failed", cause);
    }
  }

  private static Object convert(Object v, Class<?> t, String method, int i) {
    if (t == Object.class) {
      return v;
    }
    if (v == null) {
      if (t.isPrimitive()) {
        throw bad(method, i, "is null or undefined, but must be a " + t.getName());
      }
      return null;
    }
    if (t == String.class) {
      return require(v instanceof String, v, method, i, "a string");
    }
    if (t == boolean.class || t == Boolean.class) {
      return require(v instanceof Boolean, v, method, i, "a boolean");
    }
    if (t == double.class || t == Double.class) {
      return require(v instanceof Double, v, method, i, "a number");
    }
    if (t == float.class || t == Float.class) {
      require(v instanceof Double, v, method, i, "a number");
      return ((Double) v).floatValue();
    }
    if (t == byte[].class) {
      return require(v instanceof byte[], v, method, i, "a Uint8Array or ArrayBuffer");
    }
    if (t == List.class || t == java.util.Collection.class) {
      return require(v instanceof List<?>, v, method, i, "an array");
    }
    if (t == Map.class) {
      return require(v instanceof Map<?, ?>, v, method, i, "an object or a Map");
    }
    if (t == BigInteger.class) {
      if (v instanceof BigInteger b) {
        return b;
      }
      return BigInteger.valueOf(integral(v, Long.MIN_VALUE, Long.MAX_VALUE, method, i));
    }
    if (t == long.class || t == Long.class) {
      if (v instanceof BigInteger b) {
        if (b.bitLength() > 63) {
          throw bad(method, i, "is a bigint outside the range of a long");
        }
        return b.longValue();
      }
      return integral(v, Long.MIN_VALUE, Long.MAX_VALUE, method, i);
    }
    if (t == int.class || t == Integer.class) {
      return (int) integral(v, Integer.MIN_VALUE, Integer.MAX_VALUE, method, i);
    }
    if (t == short.class || t == Short.class) {
      return (short) integral(v, Short.MIN_VALUE, Short.MAX_VALUE, method, i);
    }
    if (t == byte.class || t == Byte.class) {
      return (byte) integral(v, Byte.MIN_VALUE, Byte.MAX_VALUE, method, i);
    }
    throw bad(method, i, "cannot be passed: the service's parameter takes no value a call carries");
  }

  private static long integral(Object v, long min, long max, String method, int i) {
    if (!(v instanceof Double d) || d != Math.rint(d) || Double.isInfinite(d)) {
      throw bad(method, i, "must be an integer");
    }
    BigDecimal b = BigDecimal.valueOf(d);
    if (b.compareTo(BigDecimal.valueOf(min)) < 0 || b.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw bad(method, i, "is " + b.toPlainString() + ", outside " + min + " .. " + max);
    }
    return d.longValue();
  }

  private static Object require(boolean ok, Object v, String method, int i, String what) {
    if (!ok) {
      throw bad(method, i, "must be " + what);
    }
    return v;
  }

  private static ServiceException bad(String method, int i, String what) {
    return new ServiceException("service.bad_args", method + ": argument " + (i + 1) + " " + what);
  }
}
