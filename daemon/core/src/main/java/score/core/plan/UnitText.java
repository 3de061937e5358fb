package score.core.plan;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Splits texts such as {@code 27.5Mbps} into a non-negative number and a unit word. */
final class UnitText {
  private static final Pattern FORMAT =
      Pattern.compile("\\s*(\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)\\s*([A-Za-z/]+)\\s*");

  private UnitText() {}

  /** The number and unit of {@code text}, or an error that names {@code what} and the forms. */
  static Parsed parse(final String text, final String what, final String forms) {
    final Matcher matcher = FORMAT.matcher(text == null ? "" : text);
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not " + what + ": write a number and a unit, one of " + forms);
    }
    final double amount = Double.parseDouble(matcher.group(1));
    if (!Double.isFinite(amount)) {
      throw new IllegalArgumentException("'" + text + "' is too large for " + what);
    }
    return new Parsed(amount, matcher.group(2));
  }

  static IllegalArgumentException unknownUnit(
      final String text, final String what, final String forms) {
    return new IllegalArgumentException(
        "'" + text + "' has an unknown unit for " + what + ": use one of " + forms);
  }

  record Parsed(double amount, String unit) {}
}
