package score.core.plan;

import java.time.Duration;

/**
 * Reads durations with a unit and optional decimals: {@code 330s}, {@code 300ms}, {@code 13.5s}.
 */
public final class DurationText {
  static final String FORMS = "ms, s, m or min, h, e.g. 330s or 300ms";

  private DurationText() {}

  public static Duration parse(final String text) {
    final UnitText.Parsed parsed = UnitText.parse(text, "a duration", FORMS);
    final double nanosPerUnit =
        switch (parsed.unit()) {
          case "ms" -> 1e6;
          case "s" -> 1e9;
          case "m", "min" -> 60e9;
          case "h" -> 3600e9;
          default -> throw UnitText.unknownUnit(text, "a duration", FORMS);
        };
    final double nanos = parsed.amount() * nanosPerUnit;
    if (nanos >= Long.MAX_VALUE) {
      throw new IllegalArgumentException("'" + text + "' is too long for a duration");
    }
    return Duration.ofNanos(Math.round(nanos));
  }

  /** Seconds as a double, for the models' arithmetic. */
  public static double seconds(final Duration duration) {
    return duration.toNanos() / 1e9;
  }
}
