package dev.joblib.internal.io;

import java.io.ObjectInputFilter;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The deserialization filter of every load: known gadget classes (and relocated copies of them, as
 * shaded jars carry) and proxies are always refused, depth, references and array lengths are
 * bounded, and in allow-list mode only listed classes and the JDK's value and collection types
 * pass. A JVM-wide filter, if set, is applied too.
 */
public final class LoadFilter implements ObjectInputFilter {
  /** Packages and classes of published deserialization gadget chains (ysoserial and others). */
  private static final List<String> DENIED =
      List.of(
          "org.apache.commons.collections.functors.**",
          "org.apache.commons.collections4.functors.**",
          "org.apache.commons.collections.keyvalue.TiedMapEntry",
          "org.apache.commons.collections4.keyvalue.TiedMapEntry",
          "org.apache.commons.collections.map.LazyMap",
          "org.apache.commons.collections4.map.LazyMap",
          "org.apache.commons.beanutils.BeanComparator",
          "org.apache.commons.fileupload.**",
          "org.apache.commons.io.output.DeferredFileOutputStream",
          "org.apache.commons.configuration.**",
          "org.apache.commons.dbcp.**",
          "org.apache.tomcat.dbcp.**",
          "com.sun.org.apache.xalan.internal.xsltc.**",
          "org.apache.xalan.**",
          "org.codehaus.groovy.runtime.**",
          "groovy.lang.**",
          "org.springframework.beans.factory.**",
          "org.springframework.aop.**",
          "org.springframework.core.SerializableTypeWrapper*",
          "org.springframework.transaction.jta.**",
          "com.sun.rowset.**",
          "javax.management.**",
          "java.rmi.**",
          "sun.rmi.**",
          "javax.naming.**",
          "com.sun.jndi.**",
          "sun.reflect.annotation.AnnotationInvocationHandler",
          "java.lang.reflect.Proxy",
          "javax.script.**",
          "bsh.**",
          "clojure.**",
          "com.mchange.v2.c3p0.**",
          "org.hibernate.**",
          "net.sf.json.**",
          "com.alibaba.fastjson.**",
          "org.python.core.**",
          "org.mozilla.javascript.**",
          "com.sun.syndication.**",
          "com.rometools.rome.feed.impl.**",
          "org.jboss.interceptor.**",
          "org.jboss.weld.interceptor.**",
          "org.apache.myfaces.**",
          "org.apache.wicket.util.upload.**",
          "com.vaadin.data.**",
          "org.apache.click.**",
          "com.zaxxer.hikari.**",
          "org.apache.openjpa.**",
          "com.sun.corba.**",
          "org.apache.batik.**",
          "ch.qos.logback.core.db.**");

  /** What allow-list mode accepts without being told: JDK values and collections, our own types. */
  private static final List<String> ALWAYS_ALLOWED =
      List.of(
          "java.lang.String",
          "java.lang.Boolean",
          "java.lang.Byte",
          "java.lang.Character",
          "java.lang.Short",
          "java.lang.Integer",
          "java.lang.Long",
          "java.lang.Float",
          "java.lang.Double",
          "java.lang.Number",
          "java.lang.Enum",
          "java.lang.Record",
          "java.lang.Object",
          "java.lang.StackTraceElement",
          "java.lang.String$CaseInsensitiveComparator",
          "java.math.*",
          "java.time.*",
          "java.time.chrono.*",
          "java.time.zone.*",
          "java.net.URI",
          "java.util.*",
          "java.util.concurrent.*",
          "java.util.concurrent.atomic.*",
          "dev.joblib.internal.io.OutOfBand");

  private final ObjectInputFilter global;
  private final List<String> allowed;
  private final long maxDepth;
  private final long maxReferences;
  private final long maxArrayLength;
  private final Map<String, Boolean> verdicts = new HashMap<>();
  private String refused;

  /**
   * Creates the filter of one load (it remembers its last refusal: one per stream).
   *
   * @param allowed the allow-list patterns; empty for deny-list mode
   * @param maxDepth the deepest nesting admitted
   * @param maxReferences the most references admitted
   * @param maxArrayLength the longest array admitted
   */
  public LoadFilter(List<String> allowed, long maxDepth, long maxReferences, long maxArrayLength) {
    this.global = ObjectInputFilter.Config.getSerialFilter();
    this.allowed = allowed;
    this.maxDepth = maxDepth;
    this.maxReferences = maxReferences;
    this.maxArrayLength = maxArrayLength;
  }

  /** What the last refusal was about, for the error message. */
  String refused() {
    return refused;
  }

  @Override
  public Status checkInput(FilterInfo info) {
    if (info.depth() > maxDepth) {
      return refuse("depth " + info.depth() + " exceeds maxDepth " + maxDepth);
    }
    if (info.references() > maxReferences) {
      return refuse("references " + info.references() + " exceed maxReferences " + maxReferences);
    }
    if (info.arrayLength() > maxArrayLength) {
      return refuse(
          "array length " + info.arrayLength() + " exceeds maxArrayLength " + maxArrayLength);
    }
    Class<?> c = info.serialClass();
    if (c != null) {
      while (c.isArray()) {
        c = c.getComponentType();
      }
      if (!c.isPrimitive()) {
        String name = c.getName();
        if (Proxy.isProxyClass(c) || isGadget(name)) {
          return refuse("class " + name + " is a known deserialization gadget (always refused)");
        }
        if (!allowed.isEmpty() && !matchesAny(name, allowed) && !matchesAny(name, ALWAYS_ALLOWED)) {
          return refuse("class " + name + " is not in the allow-list " + allowed);
        }
      }
    }
    if (global != null && global.checkInput(info) == Status.REJECTED) {
      return refuse(
          (info.serialClass() == null ? "a reference" : "class " + info.serialClass().getName())
              + " is refused by the JVM-wide filter (jdk.serialFilter)");
    }
    return c != null ? Status.ALLOWED : Status.UNDECIDED;
  }

  /**
   * Whether a class is a known gadget, or a relocated copy of one ({@code
   * org.apache.hadoop.shaded.org.apache.commons.collections4.functors.X}): a shading plug-in keeps
   * the original name as the suffix of the relocated one. Decided once per class and load.
   */
  private boolean isGadget(String name) {
    Boolean known = verdicts.get(name);
    if (known == null) {
      known = matchesAny(name, DENIED);
      for (int dot = name.indexOf('.'); !known && dot >= 0; dot = name.indexOf('.', dot + 1)) {
        known = matchesAny(name.substring(dot + 1), DENIED);
      }
      verdicts.put(name, known);
    }
    return known;
  }

  private Status refuse(String why) {
    refused = why;
    return Status.REJECTED;
  }

  static boolean matchesAny(String name, List<String> patterns) {
    for (String p : patterns) {
      if (matches(name, p)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code a.b.C} exact, {@code a.b.*} one package, {@code a.b.**} a package tree, {@code X*}
   * prefix.
   */
  static boolean matches(String name, String pattern) {
    if (pattern.endsWith(".**")) {
      String pkg = pattern.substring(0, pattern.length() - 2);
      return name.startsWith(pkg);
    }
    if (pattern.endsWith(".*")) {
      String pkg = pattern.substring(0, pattern.length() - 1);
      return name.startsWith(pkg) && name.indexOf('.', pkg.length()) < 0;
    }
    if (pattern.endsWith("*")) {
      return name.startsWith(pattern.substring(0, pattern.length() - 1));
    }
    return name.equals(pattern) || name.startsWith(pattern + "$");
  }
}
