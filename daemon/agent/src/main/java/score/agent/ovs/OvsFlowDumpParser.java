package score.agent.ovs;

/**
 * Parses the text of {@code ovs-ofctl dump-flows} straight from its bytes, without building
 * strings: one pass per line, fields recognised by name, the action list skipped.
 *
 * <p>A line looks like {@code cookie=0x77, duration=7.316s, table=1, n_packets=118992,
 * n_bytes=180148189, idle_timeout=60, idle_age=2, priority=100,tcp,nw_src=10.77.0.1,
 * nw_dst=10.77.0.2,tp_src=40001,tp_dst=5201 actions=drop} (with a leading space). Reply headers and
 * blank lines are skipped. A line that lacks a statistic, has a value that does not parse, or ends
 * before {@code actions=} (a truncated dump) is malformed: it is counted, the first reason is kept,
 * and parsing goes on with the next line. Unknown fields are ignored, as OVS adds fields over time.
 */
public final class OvsFlowDumpParser {
  /** Receives each well-formed flow line. */
  @FunctionalInterface
  public interface Sink {
    void flow(OvsFlowLine line);
  }

  private static final byte[] ACTIONS = bytes("actions=");
  private static final byte[] COOKIE = bytes("cookie");
  private static final byte[] DURATION = bytes("duration");
  private static final byte[] TABLE = bytes("table");
  private static final byte[] N_PACKETS = bytes("n_packets");
  private static final byte[] N_BYTES = bytes("n_bytes");
  private static final byte[] PRIORITY = bytes("priority");
  private static final byte[] NW_SRC = bytes("nw_src");
  private static final byte[] NW_DST = bytes("nw_dst");
  private static final byte[] TP_SRC = bytes("tp_src");
  private static final byte[] TP_DST = bytes("tp_dst");
  private static final byte[] DL_SRC = bytes("dl_src");
  private static final byte[] NW_PROTO = bytes("nw_proto");
  private static final byte[] TCP = bytes("tcp");
  private static final byte[] UDP = bytes("udp");
  private static final byte[] TCP6 = bytes("tcp6");
  private static final byte[] UDP6 = bytes("udp6");
  private static final byte[] IPV6 = bytes("ipv6");
  private static final byte[] REPLY = bytes("reply");

  /** Longest decimal that cannot overflow a long: 18 digits. */
  private static final int MAX_DECIMAL_DIGITS = 18;

  private final OvsFlowLine line = new OvsFlowLine();
  private int flows;
  private int malformed;
  private int skipped;
  private String firstError;

  /** Flow lines passed to the sink by the last {@link #parse}. */
  public int flows() {
    return flows;
  }

  /** Malformed lines in the last {@link #parse}. */
  public int malformed() {
    return malformed;
  }

  /** Headers and blank lines in the last {@link #parse}. */
  public int skipped() {
    return skipped;
  }

  /** Why the first malformed line of the last {@link #parse} was rejected, or null. */
  public String firstError() {
    return firstError;
  }

  /** Parses {@code length} bytes of dump output and calls {@code sink} for every flow line. */
  public void parse(final byte[] text, final int length, final Sink sink) {
    if (length < 0 || length > text.length) {
      throw new IllegalArgumentException("length " + length + " outside buffer " + text.length);
    }
    flows = 0;
    malformed = 0;
    skipped = 0;
    firstError = null;
    int lineStart = 0;
    int lineNumber = 0;
    while (lineStart < length) {
      int lineEnd = lineStart;
      while (lineEnd < length && text[lineEnd] != '\n') {
        lineEnd++;
      }
      lineNumber++;
      parseLine(text, lineStart, lineEnd, lineNumber, sink);
      lineStart = lineEnd + 1;
    }
  }

  private void parseLine(
      final byte[] text, final int start, final int end, final int lineNumber, final Sink sink) {
    int position = start;
    while (position < end && (text[position] == ' ' || text[position] == '\r')) {
      position++;
    }
    if (position == end) {
      skipped++;
      return;
    }
    if (!startsWith(text, position, end, COOKIE) && !startsWithField(text, position, end)) {
      // Reply headers such as "NXST_FLOW reply (xid=0x4):" carry no flow.
      if (isReplyHeader(text, position, end)) {
        skipped++;
      } else {
        reject(lineNumber, "not a flow line");
      }
      return;
    }
    line.reset(lineNumber);
    final int actions = indexOf(text, position, end, ACTIONS);
    if (actions < 0) {
      reject(lineNumber, "no actions= (truncated line?)");
      return;
    }
    final String error = parseFields(text, position, actions);
    if (error != null) {
      reject(lineNumber, error);
      return;
    }
    if (line.durationMillis == OvsFlowLine.ABSENT
        || line.packets == OvsFlowLine.ABSENT
        || line.bytes == OvsFlowLine.ABSENT) {
      reject(lineNumber, "missing duration, n_packets or n_bytes");
      return;
    }
    flows++;
    sink.flow(line);
  }

  /** Fields are separated by commas and spaces; returns null or why the line is malformed. */
  private String parseFields(final byte[] text, final int start, final int end) {
    int position = start;
    while (position < end) {
      while (position < end && (text[position] == ',' || text[position] == ' ')) {
        position++;
      }
      if (position >= end) {
        break;
      }
      int tokenEnd = position;
      int equals = -1;
      while (tokenEnd < end && text[tokenEnd] != ',' && text[tokenEnd] != ' ') {
        if (equals < 0 && text[tokenEnd] == '=') {
          equals = tokenEnd;
        }
        tokenEnd++;
      }
      final String error =
          equals < 0
              ? bareWord(text, position, tokenEnd)
              : field(text, position, equals, equals + 1, tokenEnd);
      if (error != null) {
        return error;
      }
      position = tokenEnd;
    }
    return null;
  }

  private String bareWord(final byte[] text, final int start, final int end) {
    if (equalsWord(text, start, end, TCP)) {
      line.protocol = 6;
    } else if (equalsWord(text, start, end, UDP)) {
      line.protocol = 17;
    } else if (equalsWord(text, start, end, TCP6)) {
      line.protocol = 6;
      line.ipv6 = true;
    } else if (equalsWord(text, start, end, UDP6)) {
      line.protocol = 17;
      line.ipv6 = true;
    } else if (equalsWord(text, start, end, IPV6)) {
      line.ipv6 = true;
    }
    return null;
  }

  private String field(
      final byte[] text,
      final int nameStart,
      final int nameEnd,
      final int valueStart,
      final int valueEnd) {
    if (valueStart == valueEnd) {
      return "empty value";
    }
    if (equalsWord(text, nameStart, nameEnd, COOKIE)) {
      line.cookie = parseHex(text, valueStart, valueEnd);
      return line.cookie == Long.MIN_VALUE ? "bad cookie" : null;
    } else if (equalsWord(text, nameStart, nameEnd, DURATION)) {
      line.durationMillis = parseSeconds(text, valueStart, valueEnd);
      return line.durationMillis < 0 ? "bad duration" : null;
    } else if (equalsWord(text, nameStart, nameEnd, TABLE)) {
      final long table = parseDecimal(text, valueStart, valueEnd);
      line.table = (int) table;
      return table < 0 || table > 254 ? "bad table" : null;
    } else if (equalsWord(text, nameStart, nameEnd, N_PACKETS)) {
      line.packets = parseDecimal(text, valueStart, valueEnd);
      return line.packets < 0 ? "bad n_packets" : null;
    } else if (equalsWord(text, nameStart, nameEnd, N_BYTES)) {
      line.bytes = parseDecimal(text, valueStart, valueEnd);
      return line.bytes < 0 ? "bad n_bytes" : null;
    } else if (equalsWord(text, nameStart, nameEnd, PRIORITY)) {
      final long priority = parseDecimal(text, valueStart, valueEnd);
      line.priority = (int) priority;
      return priority < 0 || priority > 65535 ? "bad priority" : null;
    } else if (equalsWord(text, nameStart, nameEnd, NW_PROTO)) {
      final long protocol = parseDecimal(text, valueStart, valueEnd);
      line.protocol = (int) protocol;
      return protocol < 0 || protocol > 255 ? "bad nw_proto" : null;
    } else if (equalsWord(text, nameStart, nameEnd, NW_SRC)) {
      line.hasSrcIp = true;
      return ipValue(text, valueStart, valueEnd, true);
    } else if (equalsWord(text, nameStart, nameEnd, NW_DST)) {
      line.hasDstIp = true;
      return ipValue(text, valueStart, valueEnd, false);
    } else if (equalsWord(text, nameStart, nameEnd, TP_SRC)) {
      line.srcPort = portValue(text, valueStart, valueEnd);
      return line.srcPort == OvsFlowLine.ABSENT ? "bad tp_src" : null;
    } else if (equalsWord(text, nameStart, nameEnd, TP_DST)) {
      line.dstPort = portValue(text, valueStart, valueEnd);
      return line.dstPort == OvsFlowLine.ABSENT ? "bad tp_dst" : null;
    } else if (equalsWord(text, nameStart, nameEnd, DL_SRC)) {
      line.srcMac = parseMac(text, valueStart, valueEnd);
      return line.srcMac < 0 ? "bad dl_src" : null;
    }
    return null;
  }

  private String ipValue(final byte[] text, final int start, final int end, final boolean source) {
    final int slash = indexOf(text, start, end, (byte) '/');
    final int addressEnd = slash < 0 ? end : slash;
    final long address = parseIpv4(text, start, addressEnd);
    if (address < 0) {
      return source ? "bad nw_src" : "bad nw_dst";
    }
    if (slash >= 0) {
      line.masked = true;
    }
    if (source) {
      line.srcIp = (int) address;
    } else {
      line.dstIp = (int) address;
    }
    return null;
  }

  private int portValue(final byte[] text, final int start, final int end) {
    final int slash = indexOf(text, start, end, (byte) '/');
    final int valueEnd = slash < 0 ? end : slash;
    final long port;
    if (valueEnd - start > 2 && text[start] == '0' && (text[start + 1] | 0x20) == 'x') {
      port = parseHex(text, start, valueEnd);
    } else {
      port = parseDecimal(text, start, valueEnd);
    }
    if (port < 0 || port > 0xFFFF) {
      return OvsFlowLine.ABSENT;
    }
    if (slash >= 0) {
      line.masked = true;
    }
    return (int) port;
  }

  private void reject(final int lineNumber, final String reason) {
    malformed++;
    if (firstError == null) {
      firstError = "line " + lineNumber + ": " + reason;
    }
  }

  // ------------------------------------------------------------ number parsing (no allocation)

  /** Non-negative decimal, or -1. */
  static long parseDecimal(final byte[] text, final int start, final int end) {
    if (start >= end || end - start > MAX_DECIMAL_DIGITS) {
      return -1;
    }
    long value = 0;
    for (int i = start; i < end; i++) {
      final int digit = text[i] - '0';
      if (digit < 0 || digit > 9) {
        return -1;
      }
      value = value * 10 + digit;
    }
    return value;
  }

  /** {@code 0x}-prefixed hexadecimal up to 64 bits, or {@link Long#MIN_VALUE}. */
  static long parseHex(final byte[] text, final int start, final int end) {
    if (end - start < 3 || text[start] != '0' || (text[start + 1] | 0x20) != 'x') {
      return Long.MIN_VALUE;
    }
    if (end - start - 2 > 16) {
      return Long.MIN_VALUE;
    }
    long value = 0;
    for (int i = start + 2; i < end; i++) {
      final int digit = Character.digit(text[i], 16);
      if (digit < 0) {
        return Long.MIN_VALUE;
      }
      value = (value << 4) | digit;
    }
    return value;
  }

  /** {@code 7.316s} as milliseconds, or -1. */
  static long parseSeconds(final byte[] text, final int start, final int end) {
    if (end - start < 2 || text[end - 1] != 's') {
      return -1;
    }
    final int dot = indexOf(text, start, end - 1, (byte) '.');
    if (dot < 0) {
      final long seconds = parseDecimal(text, start, end - 1);
      return seconds < 0 ? -1 : seconds * 1000;
    }
    final long seconds = parseDecimal(text, start, dot);
    if (seconds < 0 || dot + 1 >= end - 1) {
      return -1;
    }
    long millis = 0;
    int digits = 0;
    for (int i = dot + 1; i < end - 1; i++) {
      final int digit = text[i] - '0';
      if (digit < 0 || digit > 9) {
        return -1;
      }
      if (digits < 3) {
        millis = millis * 10 + digit;
        digits++;
      }
    }
    while (digits < 3) {
      millis *= 10;
      digits++;
    }
    return seconds * 1000 + millis;
  }

  /** Dotted quad as an unsigned value, or -1. */
  static long parseIpv4(final byte[] text, final int start, final int end) {
    long address = 0;
    int octets = 0;
    int value = -1;
    for (int i = start; i <= end; i++) {
      final int c = i < end ? text[i] : '.';
      if (c >= '0' && c <= '9') {
        value = value < 0 ? c - '0' : value * 10 + (c - '0');
        if (value > 255) {
          return -1;
        }
      } else if (c == '.' && value >= 0 && octets < 4) {
        address = (address << 8) | value;
        octets++;
        value = -1;
      } else {
        return -1;
      }
    }
    return octets == 4 ? address : -1;
  }

  /** {@code aa:bb:cc:dd:ee:ff} as a 48-bit value, or -1. */
  static long parseMac(final byte[] text, final int start, final int end) {
    if (end - start != 17) {
      return -1;
    }
    long mac = 0;
    for (int octet = 0; octet < 6; octet++) {
      final int at = start + octet * 3;
      final int high = Character.digit(text[at], 16);
      final int low = Character.digit(text[at + 1], 16);
      if (high < 0 || low < 0 || (octet < 5 && text[at + 2] != ':')) {
        return -1;
      }
      mac = (mac << 8) | (high << 4) | low;
    }
    return mac;
  }

  // ------------------------------------------------------------ byte helpers

  private static byte[] bytes(final String ascii) {
    return ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static boolean equalsWord(
      final byte[] text, final int start, final int end, final byte[] word) {
    if (end - start != word.length) {
      return false;
    }
    for (int i = 0; i < word.length; i++) {
      if (text[start + i] != word[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWith(
      final byte[] text, final int start, final int end, final byte[] prefix) {
    return end - start >= prefix.length && equalsWord(text, start, start + prefix.length, prefix);
  }

  /** OpenFlow 1.1+ dumps may omit a zero cookie and start with {@code duration=}. */
  private static boolean startsWithField(final byte[] text, final int start, final int end) {
    return startsWith(text, start, end, DURATION);
  }

  private static boolean isReplyHeader(final byte[] text, final int start, final int end) {
    return indexOf(text, start, end, REPLY) >= 0;
  }

  private static int indexOf(final byte[] text, final int start, final int end, final byte wanted) {
    for (int i = start; i < end; i++) {
      if (text[i] == wanted) {
        return i;
      }
    }
    return -1;
  }

  private static int indexOf(
      final byte[] text, final int start, final int end, final byte[] wanted) {
    final int last = end - wanted.length;
    outer:
    for (int i = start; i <= last; i++) {
      for (int j = 0; j < wanted.length; j++) {
        if (text[i + j] != wanted[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
