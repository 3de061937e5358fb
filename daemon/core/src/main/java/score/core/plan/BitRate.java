package score.core.plan;

import java.util.Locale;

/**
 * A network rate in whole bits per second. {@code kbps}, {@code Mbps}, {@code Gbps} are decimal
 * (10^3, 10^6, 10^9 bit/s), as network equipment counts; {@code Mb/s} is the same as {@code Mbps}.
 */
public record BitRate(long bitsPerSecond) implements Comparable<BitRate> {
  static final String FORMS = "bps, kbps, Mbps, Gbps (decimal: 1Mbps = 10^6 bit/s), e.g. 27Mbps";

  public static final BitRate ZERO = new BitRate(0);

  public BitRate {
    if (bitsPerSecond < 0) {
      throw new IllegalArgumentException("a rate cannot be negative: " + bitsPerSecond + " bit/s");
    }
  }

  public static BitRate ofBitsPerSecond(final long bitsPerSecond) {
    return new BitRate(bitsPerSecond);
  }

  public static BitRate ofMbps(final double megabitsPerSecond) {
    return new BitRate(Math.round(megabitsPerSecond * 1e6));
  }

  /** Reads {@code 27Mbps}, {@code 1Gbps}, {@code 1.5Gbps}, {@code 800kbps}, {@code 100Mb/s}. */
  public static BitRate parse(final String text) {
    final UnitText.Parsed parsed = UnitText.parse(text, "a bit rate", FORMS);
    final double bitsPerUnit =
        switch (parsed.unit()) {
          case "bps", "b/s" -> 1;
          case "kbps", "Kbps", "kb/s" -> 1e3;
          case "Mbps", "Mb/s", "mbps" -> 1e6;
          case "Gbps", "Gb/s", "gbps" -> 1e9;
          case "Tbps", "Tb/s" -> 1e12;
          default -> throw UnitText.unknownUnit(text, "a bit rate", FORMS);
        };
    final double bitsPerSecond = parsed.amount() * bitsPerUnit;
    if (bitsPerSecond >= Long.MAX_VALUE) {
      throw new IllegalArgumentException("'" + text + "' is too large for a bit rate");
    }
    return new BitRate(Math.round(bitsPerSecond));
  }

  /** Megabits per second, 1 Mbps = 10^6 bit/s. */
  public double megabitsPerSecond() {
    return bitsPerSecond / 1e6;
  }

  @Override
  public int compareTo(final BitRate other) {
    return Long.compare(bitsPerSecond, other.bitsPerSecond);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%.3fMbps", megabitsPerSecond());
  }
}
