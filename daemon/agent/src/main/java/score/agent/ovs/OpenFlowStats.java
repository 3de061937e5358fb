package score.agent.ovs;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Flow statistics read straight from a bridge's OpenFlow management socket ({@code
 * RUNDIR/BRIDGE.mgmt}) in OpenFlow 1.0's binary form: one flow-stats request, its multipart replies
 * decoded in place into the same {@link OvsFlowLine}s the text parser yields. No child process and
 * no text: at 10,000 rules {@code ovs-ofctl dump-flows} spends about 28 ms of CPU, most of it
 * formatting 1.8 MB of text that would be parsed back (docs/measurements.md, "Where a poll's time
 * goes").
 *
 * <p>Each dump opens a connection (hello, request, replies) with the given timeout on the whole
 * exchange; anything unexpected (a refused version, an error message, a malformed entry) is an
 * {@link OvsException} and the poller falls back to {@code ovs-ofctl}. The read buffer grows to the
 * largest reply seen and is reused. Not thread-safe.
 */
public final class OpenFlowStats {
  private static final byte OFP10 = 0x01;
  private static final int HEADER = 8;
  private static final int TYPE_HELLO = 0;
  private static final int TYPE_ERROR = 1;
  private static final int TYPE_ECHO_REQUEST = 2;
  private static final int TYPE_ECHO_REPLY = 3;
  private static final int TYPE_STATS_REQUEST = 16;
  private static final int TYPE_STATS_REPLY = 17;
  private static final int STATS_FLOW = 1;
  private static final int REPLY_MORE = 1;
  private static final int ENTRY_FIXED = 88;
  private static final int MATCH_OFFSET = 4;

  // ofp_match wildcards (OpenFlow 1.0, section 5.2.3).
  private static final int FW_DL_SRC = 1 << 2;
  private static final int FW_DL_TYPE = 1 << 4;
  private static final int FW_NW_PROTO = 1 << 5;
  private static final int FW_TP_SRC = 1 << 6;
  private static final int FW_TP_DST = 1 << 7;
  private static final int FW_NW_SRC_SHIFT = 8;
  private static final int FW_NW_DST_SHIFT = 14;

  private final Path runDir;
  private final Duration timeout;
  private final OvsFlowLine line = new OvsFlowLine();
  private ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16).order(ByteOrder.BIG_ENDIAN);

  /** The flow entries of the last {@link #fetch}, concatenated; grown as needed, then reused. */
  private ByteBuffer fetched = ByteBuffer.allocateDirect(1 << 16).order(ByteOrder.BIG_ENDIAN);

  private int xid;

  public OpenFlowStats(final Path runDir, final Duration timeout) {
    this.runDir = runDir;
    this.timeout = timeout;
  }

  /** Whether the bridge has a management socket to read from. */
  public boolean available(final String bridge) {
    return Files.exists(socket(bridge));
  }

  private Path socket(final String bridge) {
    return runDir.resolve(bridge + ".mgmt");
  }

  /**
   * Dumps every flow of {@code bridge} into {@code sink}.
   *
   * @return the number of flow entries decoded
   */
  public int dump(final String bridge, final OvsFlowDumpParser.Sink sink) throws OvsException {
    fetch(bridge);
    return decodeFetched(bridge, sink);
  }

  /**
   * Reads every flow-stats reply of {@code bridge} from its management socket into this reader's
   * own buffer (the I/O, bounded by the timeout), without decoding: a caller that must hold a lock
   * while it records the flows takes it only for {@link #decodeFetched}, never across the exchange
   * with a switch that may not answer.
   *
   * @return the bytes of flow entries read
   */
  public int fetch(final String bridge) throws OvsException {
    fetched.clear();
    final long deadline = System.nanoTime() + timeout.toNanos();
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket(bridge)));
        Selector selector = Selector.open()) {
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ);
      final ByteBuffer request =
          ByteBuffer.allocate(2 * HEADER + 4 + 44).order(ByteOrder.BIG_ENDIAN);
      request.put(OFP10).put((byte) TYPE_HELLO).putShort((short) HEADER).putInt(++xid);
      final int statsXid = ++xid;
      request.put(OFP10).put((byte) TYPE_STATS_REQUEST).putShort((short) (HEADER + 4 + 44));
      request.putInt(statsXid).putShort((short) STATS_FLOW).putShort((short) 0);
      request.putInt(0x3fffff); // every field wildcarded: all flows
      request.put(new byte[36]);
      request.put((byte) 0xff).put((byte) 0).putShort((short) 0xffff); // all tables, any port
      request.flip();
      while (request.hasRemaining()) {
        channel.write(request);
      }
      buffer.clear().limit(0); // read mode, nothing unread
      boolean helloSeen = false;
      while (true) {
        final int length = nextMessage(channel, selector, deadline);
        final int start = buffer.position();
        final int version = buffer.get(start) & 0xff;
        final int type = buffer.get(start + 1) & 0xff;
        if (type == TYPE_HELLO) {
          helloSeen = true;
          if (version < OFP10) {
            throw fail(bridge, "the switch offers OpenFlow version " + version);
          }
        } else if (type == TYPE_ERROR) {
          throw fail(
              bridge,
              "the switch refused the request (error type "
                  + (buffer.getShort(start + 8) & 0xffff)
                  + ", code "
                  + (buffer.getShort(start + 10) & 0xffff)
                  + "); it may not allow OpenFlow 1.0");
        } else if (type == TYPE_ECHO_REQUEST) {
          echo(channel, start, length);
        } else if (type == TYPE_STATS_REPLY && buffer.getInt(start + 4) == statsXid) {
          if (!helloSeen || version != OFP10) {
            throw fail(bridge, "a stats reply in OpenFlow version " + version);
          }
          if ((buffer.getShort(start + 8) & 0xffff) != STATS_FLOW) {
            throw fail(bridge, "a stats reply of another kind");
          }
          keep(start + HEADER + 4, start + length);
          if ((buffer.getShort(start + 10) & REPLY_MORE) == 0) {
            fetched.flip();
            return fetched.remaining();
          }
        }
        buffer.position(start + length);
      }
    } catch (final IOException e) {
      throw new OvsException(
          OvsException.Kind.SWITCH_UNREACHABLE,
          "cannot read flow statistics from " + socket(bridge) + ": " + e.getMessage(),
          e);
    }
  }

  /** Keeps the entries of one stats reply, {@code buffer[from, to)}, for decoding later. */
  private void keep(final int from, final int to) {
    final int length = to - from;
    if (fetched.remaining() < length) {
      final int needed = fetched.position() + length;
      final ByteBuffer larger =
          ByteBuffer.allocateDirect(Math.max(needed, 2 * fetched.capacity()))
              .order(ByteOrder.BIG_ENDIAN);
      fetched.flip();
      larger.put(fetched);
      fetched = larger;
    }
    fetched.put(buffer.slice(from, length));
  }

  /**
   * Decodes what the last {@link #fetch} read into {@code sink}; one reused line per entry.
   *
   * @return the number of flow entries decoded
   */
  public int decodeFetched(final String bridge, final OvsFlowDumpParser.Sink sink)
      throws OvsException {
    final ByteBuffer replies = buffer;
    buffer = fetched;
    try {
      return entries(bridge, fetched.position(), fetched.limit(), sink);
    } finally {
      buffer = replies;
    }
  }

  /** Decodes the flow-stats entries in {@code buffer[from, to)}; one reused line each. */
  private int entries(
      final String bridge, final int from, final int to, final OvsFlowDumpParser.Sink sink)
      throws OvsException {
    int at = from;
    int count = 0;
    while (at < to) {
      if (to - at < ENTRY_FIXED) {
        throw fail(bridge, "a truncated flow entry");
      }
      final int length = buffer.getShort(at) & 0xffff;
      if (length < ENTRY_FIXED || at + length > to) {
        throw fail(bridge, "a flow entry of length " + length);
      }
      decode(at, ++count);
      sink.flow(line);
      at += length;
    }
    return count;
  }

  private void decode(final int at, final int number) {
    final OvsFlowLine l = line;
    l.reset(number);
    l.table = buffer.get(at + 2) & 0xff;
    final int m = at + MATCH_OFFSET;
    final int wildcards = buffer.getInt(m);
    if ((wildcards & FW_DL_SRC) == 0) {
      l.srcMac = ((buffer.getShort(m + 6) & 0xffffL) << 32) | (buffer.getInt(m + 8) & 0xffffffffL);
    }
    final boolean ip =
        (wildcards & FW_DL_TYPE) == 0 && (buffer.getShort(m + 22) & 0xffff) == 0x0800;
    l.ipv6 = (wildcards & FW_DL_TYPE) == 0 && (buffer.getShort(m + 22) & 0xffff) == 0x86dd;
    if (ip && (wildcards & FW_NW_PROTO) == 0) {
      l.protocol = buffer.get(m + 25) & 0xff;
    }
    final int srcWild = Math.min(32, (wildcards >>> FW_NW_SRC_SHIFT) & 0x3f);
    final int dstWild = Math.min(32, (wildcards >>> FW_NW_DST_SHIFT) & 0x3f);
    if (ip && srcWild < 32) {
      l.hasSrcIp = true;
      l.srcIp = buffer.getInt(m + 28);
      l.masked |= srcWild > 0;
    }
    if (ip && dstWild < 32) {
      l.hasDstIp = true;
      l.dstIp = buffer.getInt(m + 32);
      l.masked |= dstWild > 0;
    }
    if (ip && (wildcards & FW_TP_SRC) == 0) {
      l.srcPort = buffer.getShort(m + 36) & 0xffff;
    }
    if (ip && (wildcards & FW_TP_DST) == 0) {
      l.dstPort = buffer.getShort(m + 38) & 0xffff;
    }
    final int s = at + 44;
    l.durationMillis =
        (buffer.getInt(s) & 0xffffffffL) * 1000 + (buffer.getInt(s + 4) & 0xffffffffL) / 1_000_000;
    l.priority = buffer.getShort(s + 8) & 0xffff;
    l.cookie = buffer.getLong(s + 20);
    l.packets = buffer.getLong(s + 28);
    l.bytes = buffer.getLong(s + 36);
  }

  /**
   * Reads until one whole message is at the buffer's position (earlier bytes consumed); returns its
   * length. The buffer holds [position, limit) of unread bytes.
   */
  private int nextMessage(final SocketChannel channel, final Selector selector, final long deadline)
      throws IOException, OvsException {
    while (true) {
      final int available = buffer.remaining();
      if (available >= HEADER) {
        final int length = buffer.getShort(buffer.position() + 2) & 0xffff;
        if (length < HEADER) {
          throw new OvsException(
              OvsException.Kind.BAD_OUTPUT, "an OpenFlow message of length " + length, null);
        }
        if (available >= length) {
          return length;
        }
      }
      // Make room: the unread bytes to the front; grow if one message does not fit.
      buffer.compact();
      if (!buffer.hasRemaining()) {
        final ByteBuffer larger =
            ByteBuffer.allocateDirect(2 * buffer.capacity()).order(ByteOrder.BIG_ENDIAN);
        buffer.flip();
        larger.put(buffer);
        buffer = larger;
      }
      final long left = deadline - System.nanoTime();
      if (left <= 0) {
        buffer.flip();
        throw new OvsException(
            OvsException.Kind.TIMEOUT,
            "no flow statistics from the switch within " + timeout.toMillis() + " ms",
            null);
      }
      selector.select(Math.max(1, left / 1_000_000));
      selector.selectedKeys().clear();
      final int read = channel.read(buffer);
      buffer.flip();
      if (read < 0) {
        throw new OvsException(
            OvsException.Kind.SWITCH_UNREACHABLE, "the switch closed the connection", null);
      }
    }
  }

  private void echo(final SocketChannel channel, final int start, final int length)
      throws IOException {
    final ByteBuffer reply = ByteBuffer.allocate(length).order(ByteOrder.BIG_ENDIAN);
    for (int i = 0; i < length; i++) {
      reply.put(buffer.get(start + i));
    }
    reply.put(1, (byte) TYPE_ECHO_REPLY);
    reply.flip();
    while (reply.hasRemaining()) {
      channel.write(reply);
    }
  }

  private static OvsException fail(final String bridge, final String what) {
    return new OvsException(
        OvsException.Kind.BAD_OUTPUT, "OpenFlow flow statistics of " + bridge + ": " + what, null);
  }
}
