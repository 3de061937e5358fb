package score.core.plan;

/** Electrical power in watts. */
public record Power(double watts) {
  static final String FORMS = "W, mW, kW, e.g. 1.5W";

  public Power {
    if (!(watts >= 0) || Double.isInfinite(watts)) {
      throw new IllegalArgumentException("a power must be finite and non-negative: " + watts);
    }
  }

  public static Power ofWatts(final double watts) {
    return new Power(watts);
  }

  /** Reads {@code 1.5W}, {@code 500mW}, {@code 1kW}. */
  public static Power parse(final String text) {
    final UnitText.Parsed parsed = UnitText.parse(text, "a power", FORMS);
    return switch (parsed.unit()) {
      case "W" -> new Power(parsed.amount());
      case "mW" -> new Power(parsed.amount() / 1e3);
      case "kW" -> new Power(parsed.amount() * 1e3);
      default -> throw UnitText.unknownUnit(text, "a power", FORMS);
    };
  }
}
