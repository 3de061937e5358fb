package score.core.plan;

import java.util.Locale;

/**
 * An amount of memory or traffic in bytes. Binary units (KiB, MiB, GiB) are powers of 1024; decimal
 * ones (kB, MB, GB) powers of 1000; {@code Mb}/{@code Gb} are megabits/gigabits (10^6 and 10^9
 * bits), the unit of the Amendola poster.
 */
public record ByteSize(long bytes) {
  static final String FORMS = "B, KiB, MiB, GiB, kB, MB, GB, Mb, Gb (e.g. 1024MiB)";

  public ByteSize {
    if (bytes < 0) {
      throw new IllegalArgumentException("a size cannot be negative: " + bytes + " bytes");
    }
  }

  public static ByteSize ofBytes(final long bytes) {
    return new ByteSize(bytes);
  }

  public static ByteSize ofMebibytes(final double mebibytes) {
    return new ByteSize(Math.round(mebibytes * (1 << 20)));
  }

  /** Reads {@code 1024MiB}, {@code 1GiB}, {@code 512MB}, {@code 4096Mb}, {@code 4096B}. */
  public static ByteSize parse(final String text) {
    final UnitText.Parsed parsed = UnitText.parse(text, "a memory size", FORMS);
    final double bytesPerUnit =
        switch (parsed.unit()) {
          case "B" -> 1;
          case "KiB" -> 1L << 10;
          case "MiB" -> 1L << 20;
          case "GiB" -> 1L << 30;
          case "TiB" -> 1L << 40;
          case "kB", "KB" -> 1e3;
          case "MB" -> 1e6;
          case "GB" -> 1e9;
          case "TB" -> 1e12;
          case "Mb" -> 1e6 / 8;
          case "Gb" -> 1e9 / 8;
          default -> throw UnitText.unknownUnit(text, "a memory size", FORMS);
        };
    final double bytes = parsed.amount() * bytesPerUnit;
    if (bytes >= Long.MAX_VALUE) {
      throw new IllegalArgumentException("'" + text + "' is too large for a memory size");
    }
    return new ByteSize(Math.round(bytes));
  }

  public double bits() {
    return bytes * 8.0;
  }

  public double mebibytes() {
    return bytes / (double) (1 << 20);
  }

  public boolean isZero() {
    return bytes == 0;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%.1fMiB", mebibytes());
  }
}
