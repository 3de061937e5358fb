package score.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads durations such as {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}. */
public final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

  @Override
  public Duration convert(final String text) {
    final Matcher matcher = FORMAT.matcher(text.trim());
    if (!matcher.matches()) {
      throw new TypeConversionException(
          "'" + text + "' is not a duration: write a whole number and ms, s, m or h, as in 10s");
    }
    final long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> throw new TypeConversionException("unknown unit in " + text);
    };
  }
}
