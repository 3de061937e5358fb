package score.core.plan;

import java.util.Locale;

/**
 * How fast a running VM dirties its memory, in bytes per second. Pages are 4 KiB (x86 base pages,
 * the unit KVM's dirty log and the VMPatrol paper count in).
 */
public record DirtyRate(double bytesPerSecond) {
  /** Bytes per page: 4 KiB. */
  public static final int PAGE_BYTES = 4096;

  static final String FORMS = "pages/s (4 KiB pages), KiB/s, MiB/s, MB/s, Mbps, e.g. 50pages/s";

  public DirtyRate {
    if (!(bytesPerSecond >= 0) || Double.isInfinite(bytesPerSecond)) {
      throw new IllegalArgumentException("a dirty rate must be finite and non-negative");
    }
  }

  public static DirtyRate ofPagesPerSecond(final double pagesPerSecond) {
    return new DirtyRate(pagesPerSecond * PAGE_BYTES);
  }

  public static DirtyRate ofBitsPerSecond(final double bitsPerSecond) {
    return new DirtyRate(bitsPerSecond / 8);
  }

  /** Reads {@code 50pages/s}, {@code 3.2MiB/s}, {@code 500Mbps} (10^6 bit/s). */
  public static DirtyRate parse(final String text) {
    final UnitText.Parsed parsed = UnitText.parse(text, "a dirty rate", FORMS);
    final double bytesPerUnit =
        switch (parsed.unit()) {
          case "pages/s", "page/s", "pps" -> PAGE_BYTES;
          case "B/s" -> 1;
          case "KiB/s" -> 1 << 10;
          case "MiB/s" -> 1 << 20;
          case "GiB/s" -> 1 << 30;
          case "kB/s" -> 1e3;
          case "MB/s" -> 1e6;
          case "GB/s" -> 1e9;
          case "kbps" -> 1e3 / 8;
          case "Mbps", "Mb/s" -> 1e6 / 8;
          case "Gbps", "Gb/s" -> 1e9 / 8;
          default -> throw UnitText.unknownUnit(text, "a dirty rate", FORMS);
        };
    return new DirtyRate(parsed.amount() * bytesPerUnit);
  }

  public double bitsPerSecond() {
    return bytesPerSecond * 8;
  }

  public double pagesPerSecond() {
    return bytesPerSecond / PAGE_BYTES;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%.1fpages/s", pagesPerSecond());
  }
}
