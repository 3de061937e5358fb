package score.flowtable;

/** IPv4 addresses as {@code int}s in network order (the token's 32-bit VM id). */
public final class Ipv4 {
  private Ipv4() {}

  /** Dotted-quad text of {@code address}. */
  public static String format(final int address) {
    return ((address >>> 24) & 0xFF)
        + "."
        + ((address >>> 16) & 0xFF)
        + "."
        + ((address >>> 8) & 0xFF)
        + "."
        + (address & 0xFF);
  }

  /**
   * Parses a dotted quad such as {@code 10.0.0.1}.
   *
   * @throws IllegalArgumentException naming the text when it is not one
   */
  public static int parse(final CharSequence text) {
    int address = 0;
    int octets = 0;
    int value = -1;
    for (int i = 0; i <= text.length(); i++) {
      final char c = i < text.length() ? text.charAt(i) : '.';
      if (c >= '0' && c <= '9') {
        value = value < 0 ? c - '0' : value * 10 + (c - '0');
        if (value > 255) {
          throw bad(text);
        }
      } else if (c == '.' && value >= 0 && octets < 4) {
        address = (address << 8) | value;
        octets++;
        value = -1;
      } else {
        throw bad(text);
      }
    }
    if (octets != 4) {
      throw bad(text);
    }
    return address;
  }

  private static IllegalArgumentException bad(final CharSequence text) {
    return new IllegalArgumentException("not an IPv4 address: '" + text + "'");
  }

  /** {@code aa:bb:cc:dd:ee:ff} text of a 48-bit MAC. */
  public static String formatMac(final long mac) {
    final StringBuilder text = new StringBuilder(17);
    for (int shift = 40; shift >= 0; shift -= 8) {
      final int octet = (int) (mac >>> shift) & 0xFF;
      text.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xF, 16));
      if (shift > 0) {
        text.append(':');
      }
    }
    return text.toString();
  }
}
