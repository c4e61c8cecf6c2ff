package dev.joblib.internal.parallel;

import java.util.Objects;

/**
 * joblib's {@code pre_dispatch}: {@code "all"}, a whole number, or an arithmetic expression over
 * {@code n_jobs} with {@code + - * / //}, parentheses and whole numbers, such as {@code
 * "2*n_jobs"}.
 */
public final class PreDispatch {
  /** The window of {@code "all"}: no limit. */
  public static final int ALL = Integer.MAX_VALUE;

  private static final int MAX_LENGTH = 30;

  private final String text;
  private final int nJobs;
  private int pos;

  private PreDispatch(String text, int nJobs) {
    this.text = text;
    this.nJobs = nJobs;
  }

  /**
   * Checks the expression's syntax, so that a bad one fails when it is set.
   *
   * @param expression the expression
   * @throws NullPointerException if {@code expression} is null
   * @throws IllegalArgumentException if it is not valid or not positive
   */
  public static void validate(String expression) {
    evaluate(expression, 1);
  }

  /**
   * Evaluates the expression.
   *
   * @param expression the expression
   * @param nJobs the value of {@code n_jobs}
   * @return the number of tasks to read ahead, at least 1; {@link #ALL} for "all"
   * @throws NullPointerException if {@code expression} is null
   * @throws IllegalArgumentException if it is not valid or not positive
   */
  public static int evaluate(String expression, int nJobs) {
    Objects.requireNonNull(expression, "preDispatch must not be null");
    String trimmed = expression.strip();
    if (trimmed.equalsIgnoreCase("all")) {
      return ALL;
    }
    if (trimmed.length() > MAX_LENGTH) {
      throw invalid(expression, "longer than " + MAX_LENGTH + " characters");
    }
    PreDispatch parser = new PreDispatch(trimmed.replace(" ", ""), nJobs);
    long value = parser.sum();
    if (parser.pos != parser.text.length()) {
      throw invalid(expression, "unexpected '" + parser.text.charAt(parser.pos) + "'");
    }
    if (value < 1) {
      throw invalid(expression, "it evaluates to " + value + " for n_jobs=" + nJobs);
    }
    return (int) Math.min(value, ALL);
  }

  private long sum() {
    long value = product();
    while (pos < text.length() && (peek() == '+' || peek() == '-')) {
      char op = text.charAt(pos++);
      long right = product();
      value = op == '+' ? value + right : value - right;
    }
    return bounded(value);
  }

  private long product() {
    long value = factor();
    while (pos < text.length() && (peek() == '*' || peek() == '/')) {
      pos++;
      boolean divide = text.charAt(pos - 1) == '/';
      if (divide && pos < text.length() && peek() == '/') {
        pos++;
      }
      long right = factor();
      if (divide && right == 0) {
        throw invalid(text, "division by zero");
      }
      value = divide ? Math.floorDiv(value, right) : value * right;
      bounded(value);
    }
    return value;
  }

  private long factor() {
    if (pos >= text.length()) {
      throw invalid(text, "it ends too early");
    }
    char c = peek();
    if (c == '-') {
      pos++;
      return -factor();
    }
    if (c == '(') {
      pos++;
      long value = sum();
      if (pos >= text.length() || peek() != ')') {
        throw invalid(text, "missing ')'");
      }
      pos++;
      return value;
    }
    if (text.startsWith("n_jobs", pos)) {
      pos += "n_jobs".length();
      return nJobs;
    }
    int start = pos;
    while (pos < text.length() && Character.isDigit(peek())) {
      pos++;
    }
    if (start == pos) {
      throw invalid(text, "unexpected '" + c + "'");
    }
    return bounded(Long.parseLong(text.substring(start, pos)));
  }

  private char peek() {
    return text.charAt(pos);
  }

  private static long bounded(long value) {
    if (Math.abs(value) > 1_000_000_000L) {
      throw new IllegalArgumentException("preDispatch: intermediate value " + value + " too large");
    }
    return value;
  }

  private static IllegalArgumentException invalid(String expression, String why) {
    return new IllegalArgumentException(
        "preDispatch must be \"all\", a whole number or an expression in n_jobs such as"
            + " \"2*n_jobs\"; got \""
            + expression
            + "\": "
            + why);
  }
}
