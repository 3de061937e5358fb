package score.protocol;

import io.netty.buffer.ByteBuf;

/**
 * A read-only view of a packed token ({@link Token}'s layout) where it lies in a buffer: the header
 * and every entry are read in place, allocating nothing, as aeron's flyweights read a message. One
 * view serves token after token: {@link #wrap} checks the layout once (sizes before anything else)
 * and points the view at the next one. The view is valid while the buffer's bytes are; {@link
 * #toToken} copies what must outlive them.
 */
public final class TokenView {
  private ByteBuf buffer;
  private int offset;
  private int count;
  private int entryBytes;
  private TokenPolicy policy;

  /**
   * Points this view at the token of {@code length} bytes at {@code offset} of {@code buffer}.
   *
   * @param maxVms the largest token accepted
   * @return this view
   * @throws ProtocolException with {@link Rejection#MALFORMED_PAYLOAD} when the bytes are not a
   *     token of at most {@code maxVms} VMs
   */
  public TokenView wrap(final ByteBuf buffer, final int offset, final int length, final int maxVms)
      throws ProtocolException {
    this.buffer = null;
    if (length < Token.HEADER_BYTES) {
      throw malformed("token header truncated: bytes=" + length + " need=" + Token.HEADER_BYTES);
    }
    final int code = buffer.getUnsignedByte(offset + Token.POLICY_OFFSET);
    final TokenPolicy found = TokenPolicy.ofCode(code);
    if (found == null) {
      throw malformed("unknown token policy=" + code);
    }
    final long vms = buffer.getUnsignedInt(offset + Token.COUNT_OFFSET);
    if (vms > maxVms) {
      throw malformed("token too large: vms=" + vms + " max=" + maxVms);
    }
    final long expected = Token.HEADER_BYTES + vms * found.entryBytes();
    if (length != expected) {
      throw malformed("token size mismatch: bytes=" + length + " expected=" + expected);
    }
    final int at = buffer.getInt(offset + Token.POSITION_OFFSET);
    if (at < 0 || (vms > 0 && at >= vms) || (vms == 0 && at != 0)) {
      throw malformed("token position=" + at + " vms=" + vms);
    }
    this.buffer = buffer;
    this.offset = offset;
    this.count = (int) vms;
    this.policy = found;
    this.entryBytes = found.entryBytes();
    return this;
  }

  private static ProtocolException malformed(final String detail) {
    return new ProtocolException(Rejection.MALFORMED_PAYLOAD, detail);
  }

  private ByteBuf buffer() {
    if (buffer == null) {
      throw new IllegalStateException("the view wraps no valid token");
    }
    return buffer;
  }

  public TokenPolicy policy() {
    buffer();
    return policy;
  }

  public long epoch() {
    return buffer().getLong(offset + Token.EPOCH_OFFSET);
  }

  public long sequence() {
    return buffer().getLong(offset + Token.SEQUENCE_OFFSET);
  }

  public int position() {
    return buffer().getInt(offset + Token.POSITION_OFFSET);
  }

  public int creator() {
    return buffer().getInt(offset + Token.CREATOR_OFFSET);
  }

  public int vmCount() {
    buffer();
    return count;
  }

  /** The id (IPv4 address) of entry {@code index}. */
  public int vmId(final int index) {
    return buffer().getInt(entryOffset(index));
  }

  /** The level byte of entry {@code index}; 0 for policies that carry none. */
  public int level(final int index) {
    final int at = entryOffset(index);
    return policy.carriesLevels() ? buffer.getUnsignedByte(at + 4) : 0;
  }

  /** The index of the entry for {@code vmId}, or -1: a scan, without allocating. */
  public int indexOf(final int vmId) {
    final ByteBuf bytes = buffer();
    int at = offset + Token.HEADER_BYTES;
    for (int i = 0; i < count; i++, at += entryBytes) {
      if (bytes.getInt(at) == vmId) {
        return i;
      }
    }
    return -1;
  }

  private int entryOffset(final int index) {
    final ByteBuf bytes = buffer();
    if (index < 0 || index >= count) {
      throw new IndexOutOfBoundsException("entry " + index + " of " + count + " in " + bytes);
    }
    return offset + Token.HEADER_BYTES + index * entryBytes;
  }

  /** A {@link Token} with copies of the entries, to keep after the buffer is reused. */
  public Token toToken() {
    final ByteBuf bytes = buffer();
    final int vms = count;
    final int[] ids = new int[vms];
    final int first = offset + Token.HEADER_BYTES;
    byte[] levels = null;
    if (policy.carriesLevels()) {
      levels = new byte[vms];
      for (int i = 0, at = first; i < vms; i++, at += 5) {
        ids[i] = bytes.getInt(at);
        levels[i] = bytes.getByte(at + 4);
      }
    } else {
      for (int i = 0, at = first; i < vms; i++, at += 4) {
        ids[i] = bytes.getInt(at);
      }
    }
    return new Token(policy, epoch(), sequence(), position(), creator(), ids, levels);
  }
}
