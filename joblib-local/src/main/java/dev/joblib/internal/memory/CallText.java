package dev.joblib.internal.memory;

import java.io.PrintStream;
import java.lang.reflect.Array;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Short texts of a cached call: the argument summaries of metadata.json and the verbose lines. */
final class CallText {
  private CallText() {}

  static Map<String, String> summaries(FunctionIdentity identity, Object[] args) {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> names = identity.parameterNames();
    for (int i = 0; i < args.length; i++) {
      String name = i < names.size() ? names.get(i) : "arg" + i;
      out.put(name, summary(args[i]));
    }
    return out;
  }

  static String call(FunctionIdentity identity, Object[] args) {
    StringBuilder text = new StringBuilder(identity.displayName()).append('(');
    List<String> names = identity.parameterNames();
    for (int i = 0; i < args.length; i++) {
      text.append(i == 0 ? "" : ", ")
          .append(i < names.size() ? names.get(i) : "arg" + i)
          .append('=')
          .append(summary(args[i]));
    }
    return text.append(')').toString();
  }

  static String summary(Object arg) {
    if (arg == null) {
      return "null";
    }
    Class<?> type = arg.getClass();
    if (type.isArray()) {
      return type.getComponentType().getSimpleName() + "[" + Array.getLength(arg) + "]";
    }
    if (arg instanceof Collection<?> c) {
      return type.getSimpleName() + "(size=" + c.size() + ")";
    }
    if (arg instanceof Map<?, ?> m) {
      return type.getSimpleName() + "(size=" + m.size() + ")";
    }
    String text;
    try {
      text = String.valueOf(arg);
    } catch (RuntimeException e) {
      text = type.getName();
    }
    return text.length() > 80 ? text.substring(0, 77) + "..." : text;
  }

  static PrintStream out() {
    return System.err;
  }
}
