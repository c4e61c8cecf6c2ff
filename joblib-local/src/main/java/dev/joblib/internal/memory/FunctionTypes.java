package dev.joblib.internal.memory;

import java.io.Serializable;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a cached function's declared types are found: its implementation class and method (for a
 * lambda or method reference, the method its {@code SerializedLambda} names). Names only, so that
 * it travels to workers; the types are resolved where they are needed ({@link #roots()}).
 *
 * @param className the implementation class
 * @param method the implementation method
 * @param descriptor the method's JVM descriptor, or null to take the non-bridge method of that name
 *     and {@code arity}
 * @param arity the function's number of arguments
 */
record FunctionTypes(String className, String method, String descriptor, int arity)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * The function's class, its method's generic parameter types and its generic return type (the
   * class itself for a constructor reference); only the class when the method cannot be found.
   */
  Type[] roots() {
    List<Type> roots = new ArrayList<>();
    Class<?> owner = load();
    if (owner == null) {
      return new Type[0];
    }
    roots.add(owner);
    try {
      for (Method m : owner.getDeclaredMethods()) {
        if (m.getName().equals(method) && matches(m)) {
          roots.addAll(List.of(m.getGenericParameterTypes()));
          roots.add(m.getGenericReturnType());
          break;
        }
      }
    } catch (LinkageError | SecurityException e) {
      // a declared type is missing here: the function's own package is still admitted
    }
    return roots.toArray(new Type[0]);
  }

  private boolean matches(Method m) {
    if (descriptor != null) {
      return org.objectweb.asm.Type.getMethodDescriptor(m).equals(descriptor);
    }
    return m.getParameterCount() == arity && !m.isBridge() && !m.isSynthetic();
  }

  private Class<?> load() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    for (ClassLoader loader : new ClassLoader[] {context, FunctionTypes.class.getClassLoader()}) {
      if (loader == null) {
        continue;
      }
      try {
        return Class.forName(className, false, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        // try the next loader
      }
    }
    return null;
  }
}
