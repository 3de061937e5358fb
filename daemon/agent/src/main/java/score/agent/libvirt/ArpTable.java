package score.agent.libvirt;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The host's neighbour table as {@code /proc/net/arp} prints it: MAC to IPv4 address, for the VMs
 * the host has exchanged packets with. libvirt's own ARP source (virDomainInterfaceAddresses with
 * VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP) fails on this machine kind with "wrong nlmsg len"
 * (libvirt 9.0), so the adapter reads the table itself.
 */
public final class ArpTable {
  private static final Pattern IPV4 =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

  /** ATF_COM: the entry is complete (an incomplete one has no MAC yet). */
  private static final int COMPLETE = 0x2;

  private ArpTable() {}

  /**
   * MAC (lower case) to IPv4 address as an int, from the text of {@code /proc/net/arp}. Lines that
   * do not parse are skipped: the table is a hint, cross-checked against the flow table.
   */
  public static Map<String, Integer> parse(final String text) {
    final Map<String, Integer> byMac = new HashMap<>();
    final String[] lines = text.split("\n", 4097);
    for (int i = 1; i < Math.min(lines.length, 4097); i++) {
      final String[] fields = lines[i].trim().split("\\s+");
      if (fields.length < 4) {
        continue;
      }
      final var address = IPV4.matcher(fields[0]);
      final String mac = fields[3].toLowerCase(Locale.ROOT);
      final int flags;
      try {
        flags = Integer.decode(fields[2]);
      } catch (final NumberFormatException e) {
        continue;
      }
      if (!address.matches() || !MAC.matcher(mac).matches() || (flags & COMPLETE) == 0) {
        continue;
      }
      int packed = 0;
      boolean valid = true;
      for (int octet = 1; octet <= 4; octet++) {
        final int value = Integer.parseInt(address.group(octet));
        valid &= value <= 255;
        packed = (packed << 8) | (value & 0xFF);
      }
      if (valid) {
        byMac.put(mac, packed);
      }
    }
    return byMac;
  }
}
