package score.protocol;

import io.netty.buffer.ByteBuf;

/** What a frame carries. Each record writes its own payload; {@link #read} dispatches by type. */
public sealed interface Message
    permits Message.TokenMessage,
        Message.TokenAck,
        Message.LocationRequest,
        Message.LocationResponse,
        Message.CapacityRequest,
        Message.CapacityResponse,
        Message.Backoff,
        Message.Heartbeat,
        Message.HeartbeatAck,
        Message.Claim,
        Message.ClaimVote,
        Message.Hello {

  MessageType type();

  /** Bytes {@link #write} produces. */
  default int payloadBytes() {
    return type().payloadBytes();
  }

  void write(ByteBuf out);

  /** The token handed to the next host. */
  record TokenMessage(Token token) implements Message {
    @Override
    public MessageType type() {
      return MessageType.TOKEN;
    }

    @Override
    public int payloadBytes() {
      return token.payloadBytes();
    }

    @Override
    public void write(final ByteBuf out) {
      token.write(out);
    }
  }

  /** Receipt of a token; {@code accepted} is false when it was refused (stale epoch). */
  record TokenAck(long epoch, long sequence, boolean accepted) implements Message {
    @Override
    public MessageType type() {
      return MessageType.TOKEN_ACK;
    }

    @Override
    public void write(final ByteBuf out) {
      out.writeLong(epoch).writeLong(sequence).writeBoolean(accepted);
    }
  }

  /** Where does the VM {@code vmIp} run? Sent to the VM's own address (DESIGN.md). */
  record LocationRequest(long requestId, int vmIp) implements Message {
    @Override
    public MessageType type() {
      return MessageType.LOCATION_REQUEST;
    }

    @Override
    public void write(final ByteBuf out) {
      out.writeLong(requestId).writeInt(vmIp);
    }
  }

  /**
   * The VM {@code vmIp} runs (when {@code found}) on host {@code hostId} at its agent's address.
   */
  record LocationResponse(
      long requestId, int vmIp, boolean found, int hostId, int hostAddress, int port)
      implements Message {
    @Override
    public MessageType type() {
      return MessageType.LOCATION_RESPONSE;
    }

    @Override
    public void write(final ByteBuf out) {
      out.writeLong(requestId)
          .writeInt(vmIp)
          .writeBoolean(found)
          .writeInt(hostId)
          .writeInt(hostAddress)
          .writeShort(port);
    }
  }

  /** Could this host take a VM of {@code memoryBytes}? */
  record CapacityRequest(long requestId, long memoryBytes) implements Message {
    @Override
    public MessageType type() {
      return MessageType.CAPACITY_REQUEST;
    }

    @Override
    public void write(final ByteBuf out) {
      out.writeLong(requestId).writeLong(memoryBytes);
    }
  }

  /** Free VM slots and free memory of the answering host. */
  record CapacityResponse(long requestId, int freeSlots, long freeMemoryBytes) implements Message {
    @Override
    public MessageType type() {
      return MessageType.CAPACITY_RESPONSE;
    }

    @Override
    public void write(final ByteBuf out) {
      out.writeLong(requestId).writeInt(freeSlots).writeLong(freeMemoryBytes);
    }
  }

  /** A broker asks another to hold its migration to {@code bytesPerSecond} on a shared link. */
  record Backoff(long migrationId, int linkId, long bytesPerSecond, int holdMillis)
      implements Message {
    @Override
    public MessageType type() {
      return MessageType.BACKOFF;
    }

    @Override
    public void write(final ByteBuf out) {
      out.writeLong(migrationId).writeInt(linkId).writeLong(bytesPerSecond).writeInt(holdMillis);
    }
  }

  /**
   * Liveness probe. A holder also asks the receiver to confirm its lease on the token {@code
   * (leaseEpoch, leaseSequence)}; with {@code release}, a former holder says it gave that token
   * away, so promises made for it may end. Both 0 and false when neither applies. {@code
   * clusterFingerprint} digests the sender's cluster configuration: hosts whose fingerprints differ
   * do not count each other toward a majority.
   */
  record Heartbeat(
      long nonce, long leaseEpoch, long leaseSequence, boolean release, long clusterFingerprint)
      implements Message {
    @Override
    public MessageType type() {
      return MessageType.HEARTBEAT;
    }

    @Override
    public void write(final ByteBuf out) {
      out.writeLong(nonce)
          .writeLong(leaseEpoch)
          .writeLong(leaseSequence)
          .writeBoolean(release)
          .writeLong(clusterFingerprint);
    }
  }

  /**
   * Answer to a heartbeat: the newest token {@code (epoch, sequence)} the sender has seen, whether
   * it confirms the lease asked for, and its cluster fingerprint.
   */
  record HeartbeatAck(
      long nonce,
      long highestEpoch,
      long highestSequence,
      boolean leaseConfirmed,
      long clusterFingerprint)
      implements Message {
    @Override
    public MessageType type() {
      return MessageType.HEARTBEAT_ACK;
    }

    @Override
    public void write(final ByteBuf out) {
      out.writeLong(nonce)
          .writeLong(highestEpoch)
          .writeLong(highestSequence)
          .writeBoolean(leaseConfirmed)
          .writeLong(clusterFingerprint);
    }
  }

  /**
   * The first frame a host sends on each connection it opens. It carries nothing: being small and
   * authentic, it lifts the connection out of the bound that applies to strangers.
   */
  record Hello() implements Message {
    @Override
    public MessageType type() {
      return MessageType.HELLO;
    }

    @Override
    public void write(final ByteBuf out) {}
  }

  /**
   * A host that saw no token within the rotation bound asks to create one with this epoch; {@code
   * forced} when an operator replaces a live token ({@code score token inject --force}), so voters
   * waive the "token seen recently" rule (never their promises).
   */
  record Claim(long proposedEpoch, boolean forced) implements Message {
    @Override
    public MessageType type() {
      return MessageType.CLAIM;
    }

    @Override
    public void write(final ByteBuf out) {
      out.writeLong(proposedEpoch).writeBoolean(forced);
    }
  }

  /** A vote on a claim, with the highest epoch the voter has seen or promised. */
  record ClaimVote(long proposedEpoch, boolean granted, long highestEpoch) implements Message {
    @Override
    public MessageType type() {
      return MessageType.CLAIM_VOTE;
    }

    @Override
    public void write(final ByteBuf out) {
      out.writeLong(proposedEpoch).writeBoolean(granted).writeLong(highestEpoch);
    }
  }

  /**
   * Reads a payload of {@code type}; the buffer holds exactly the payload.
   *
   * @throws ProtocolException with {@link Rejection#MALFORMED_PAYLOAD} for a wrong size or value
   */
  static Message read(final MessageType type, final ByteBuf in, final int maxTokenVms)
      throws ProtocolException {
    if (type.payloadBytes() >= 0 && in.readableBytes() != type.payloadBytes()) {
      throw new ProtocolException(
          Rejection.MALFORMED_PAYLOAD,
          "type=" + type + " bytes=" + in.readableBytes() + " expected=" + type.payloadBytes());
    }
    return switch (type) {
      case TOKEN -> new TokenMessage(Token.read(in, maxTokenVms));
      case TOKEN_ACK -> new TokenAck(in.readLong(), in.readLong(), readBoolean(in));
      case LOCATION_REQUEST -> new LocationRequest(in.readLong(), in.readInt());
      case LOCATION_RESPONSE ->
          new LocationResponse(
              in.readLong(),
              in.readInt(),
              readBoolean(in),
              in.readInt(),
              in.readInt(),
              in.readUnsignedShort());
      case CAPACITY_REQUEST -> new CapacityRequest(in.readLong(), nonNegative(in.readLong()));
      case CAPACITY_RESPONSE ->
          new CapacityResponse(in.readLong(), in.readInt(), nonNegative(in.readLong()));
      case BACKOFF ->
          new Backoff(in.readLong(), in.readInt(), nonNegative(in.readLong()), in.readInt());
      case HEARTBEAT ->
          new Heartbeat(
              in.readLong(), in.readLong(), in.readLong(), readBoolean(in), in.readLong());
      case HEARTBEAT_ACK ->
          new HeartbeatAck(
              in.readLong(), in.readLong(), in.readLong(), readBoolean(in), in.readLong());
      case CLAIM -> new Claim(in.readLong(), readBoolean(in));
      case CLAIM_VOTE -> new ClaimVote(in.readLong(), readBoolean(in), in.readLong());
      case HELLO -> new Hello();
    };
  }

  private static boolean readBoolean(final ByteBuf in) throws ProtocolException {
    final int value = in.readUnsignedByte();
    if (value > 1) {
      throw new ProtocolException(Rejection.MALFORMED_PAYLOAD, "boolean=" + value);
    }
    return value == 1;
  }

  private static long nonNegative(final long value) throws ProtocolException {
    if (value < 0) {
      throw new ProtocolException(Rejection.MALFORMED_PAYLOAD, "negative quantity=" + value);
    }
    return value;
  }
}
