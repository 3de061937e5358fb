package score.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Objects;

/**
 * The token in the paper's packed form (S-CORE section III-D): per VM its 32-bit id (IPv4 address)
 * followed, for the distributed and load-aware policies, by one level byte; before them a 32-byte
 * header. The entry order is the visiting order; {@code position} is the entry whose turn it is.
 *
 * <pre>
 *  offset  size  field
 *       0     1  policy code ({@link TokenPolicy})
 *       1     3  reserved (0)
 *       4     8  epoch: generation; a regenerated token has a higher one
 *      12     8  sequence: hops since the token's generation
 *      20     4  position: index of the VM whose turn it is
 *      24     4  creator host id
 *      28     4  VM count n
 *      32   n*e  entries: id (4), then level (1) when the policy carries levels
 * </pre>
 *
 * <p>The level byte holds the VM's highest communication level in its upper 3 bits and, for the
 * load-aware policy, a log2 class of its aggregate load in the lower 5 bits.
 */
public final class Token {
  public static final int POLICY_OFFSET = 0;
  public static final int EPOCH_OFFSET = POLICY_OFFSET + 4;
  public static final int SEQUENCE_OFFSET = EPOCH_OFFSET + 8;
  public static final int POSITION_OFFSET = SEQUENCE_OFFSET + 8;
  public static final int CREATOR_OFFSET = POSITION_OFFSET + 4;
  public static final int COUNT_OFFSET = CREATOR_OFFSET + 4;
  public static final int HEADER_BYTES = COUNT_OFFSET + 4;

  private final TokenPolicy policy;
  private final long epoch;
  private final long sequence;
  private final int position;
  private final int creator;
  private final int[] vmIds;
  private final byte[] levels;

  /**
   * @param levels one per VM, or null for policies that carry none
   */
  public Token(
      final TokenPolicy policy,
      final long epoch,
      final long sequence,
      final int position,
      final int creator,
      final int[] vmIds,
      final byte[] levels) {
    this.policy = Objects.requireNonNull(policy);
    this.epoch = epoch;
    this.sequence = sequence;
    this.position = position;
    this.creator = creator;
    this.vmIds = Objects.requireNonNull(vmIds);
    if (policy.carriesLevels() != (levels != null)
        || (levels != null && levels.length != vmIds.length)) {
      throw new IllegalArgumentException(
          policy + " token needs " + (policy.carriesLevels() ? vmIds.length : 0) + " levels");
    }
    if (position < 0 || (vmIds.length > 0 && position >= vmIds.length)) {
      throw new IllegalArgumentException("position " + position + " outside " + vmIds.length);
    }
    this.levels = levels;
  }

  public TokenPolicy policy() {
    return policy;
  }

  public long epoch() {
    return epoch;
  }

  public long sequence() {
    return sequence;
  }

  public int position() {
    return position;
  }

  public int creator() {
    return creator;
  }

  public int vmCount() {
    return vmIds.length;
  }

  public int vmId(final int index) {
    return vmIds[index];
  }

  /** Level byte of entry {@code index}; 0 for policies that carry none. */
  public int level(final int index) {
    return levels == null ? 0 : levels[index] & 0xFF;
  }

  /** The same token one hop later, at {@code newPosition}. */
  public Token advanced(final int newPosition) {
    return new Token(policy, epoch, sequence + 1, newPosition, creator, vmIds, levels);
  }

  public int payloadBytes() {
    return HEADER_BYTES + vmIds.length * policy.entryBytes();
  }

  /** Writes the packed form. */
  public void write(final ByteBuf out) {
    out.writeByte(policy.code());
    out.writeMedium(0);
    out.writeLong(epoch);
    out.writeLong(sequence);
    out.writeInt(position);
    out.writeInt(creator);
    out.writeInt(vmIds.length);
    final int[] ids = vmIds;
    if (levels == null) {
      for (final int id : ids) {
        out.writeInt(id);
      }
    } else {
      final byte[] bytes = levels;
      for (int i = 0; i < ids.length; i++) {
        out.writeInt(ids[i]);
        out.writeByte(bytes[i]);
      }
    }
  }

  /**
   * Reads the packed form, checking every size before anything is allocated.
   *
   * @param maxVms the largest token accepted
   */
  /** The packed form as bytes: what {@link #write} puts on the wire. */
  public byte[] toBytes() {
    final ByteBuf out = io.netty.buffer.Unpooled.buffer(payloadBytes());
    try {
      write(out);
      final byte[] bytes = new byte[out.readableBytes()];
      out.readBytes(bytes);
      return bytes;
    } finally {
      out.release();
    }
  }

  /** The token packed in {@code bytes}, checked as {@link #read} checks a frame's payload. */
  public static Token fromBytes(final byte[] bytes, final int maxVms) throws ProtocolException {
    return read(io.netty.buffer.Unpooled.wrappedBuffer(bytes), maxVms);
  }

  public static Token read(final ByteBuf in, final int maxVms) throws ProtocolException {
    final int length = in.readableBytes();
    final Token token = new TokenView().wrap(in, in.readerIndex(), length, maxVms).toToken();
    in.skipBytes(length);
    return token;
  }

  @Override
  public boolean equals(final Object other) {
    return other instanceof Token token
        && policy == token.policy
        && epoch == token.epoch
        && sequence == token.sequence
        && position == token.position
        && creator == token.creator
        && Arrays.equals(vmIds, token.vmIds)
        && Arrays.equals(levels, token.levels);
  }

  @Override
  public int hashCode() {
    return Objects.hash(policy, epoch, sequence, position, creator, Arrays.hashCode(vmIds));
  }

  @Override
  public String toString() {
    return "Token[policy="
        + policy
        + " epoch="
        + epoch
        + " sequence="
        + sequence
        + " position="
        + position
        + " creator="
        + creator
        + " vms="
        + vmIds.length
        + "]";
  }
}
