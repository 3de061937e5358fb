package score.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import score.core.plan.DurationText;

/**
 * Reads durations on the command line with the project's one grammar ({@link DurationText}): a
 * number and a unit, as in {@code 500ms}, {@code 10s}, {@code 1.5min}, {@code 2h}.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(final String text) {
    try {
      return DurationText.parse(text);
    } catch (final IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
