package dev.joblib;

import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The allow-list patterns of {@link LoadOptions#safe(Type...)}: the package of each given type that
 * is not the JDK's, then of the types their fields, record components, superclasses and permitted
 * subclasses declare (type arguments included), transitively. JDK packages are never added (the
 * filter admits the JDK's value and collection types by itself), so {@code Object} or {@code List}
 * admit nothing more; a class in the unnamed package is admitted by its name alone.
 */
final class ExpectedClasses {
  /** Bounds the walk over a large type graph; the packages found so far stay admitted. */
  private static final int MAX_CLASSES = 512;

  private final Set<String> patterns = new LinkedHashSet<>();
  private final Set<Class<?>> seen = new HashSet<>();
  private final Deque<Class<?>> pending = new ArrayDeque<>();

  private ExpectedClasses() {}

  static Set<String> patterns(Type... roots) {
    ExpectedClasses walk = new ExpectedClasses();
    for (Type root : roots) {
      walk.add(root, 0);
    }
    while (!walk.pending.isEmpty() && walk.seen.size() < MAX_CLASSES) {
      walk.visit(walk.pending.poll());
    }
    return walk.patterns;
  }

  static boolean isJdk(String name) {
    return name.startsWith("java.")
        || name.startsWith("javax.")
        || name.startsWith("jdk.")
        || name.startsWith("sun.")
        || name.startsWith("com.sun.");
  }

  private void add(Type type, int depth) {
    if (type == null || depth > 16) {
      return;
    }
    if (type instanceof Class<?> c) {
      while (c.isArray()) {
        c = c.getComponentType();
      }
      if (!c.isPrimitive() && !isJdk(c.getName()) && seen.add(c)) {
        String pkg = c.getPackageName();
        patterns.add(pkg.isEmpty() ? c.getName() : pkg + ".*");
        pending.add(c);
      }
    } else if (type instanceof ParameterizedType p) {
      add(p.getRawType(), depth + 1);
      for (Type argument : p.getActualTypeArguments()) {
        add(argument, depth + 1);
      }
    } else if (type instanceof GenericArrayType a) {
      add(a.getGenericComponentType(), depth + 1);
    } else if (type instanceof WildcardType w) {
      for (Type bound : w.getUpperBounds()) {
        add(bound, depth + 1);
      }
    } else if (type instanceof TypeVariable<?> v) {
      for (Type bound : v.getBounds()) {
        add(bound, depth + 1);
      }
    }
  }

  private void visit(Class<?> c) {
    try {
      for (Field f : c.getDeclaredFields()) {
        int m = f.getModifiers();
        if (!Modifier.isStatic(m) && !Modifier.isTransient(m)) {
          add(f.getGenericType(), 0);
        }
      }
      add(c.getGenericSuperclass(), 0);
      Class<?>[] permitted = c.getPermittedSubclasses();
      if (permitted != null) {
        for (Class<?> p : permitted) {
          add(p, 0);
        }
      }
    } catch (LinkageError | RuntimeException e) {
      // a field type missing from the class path: the packages found so far stay admitted
    }
  }
}
