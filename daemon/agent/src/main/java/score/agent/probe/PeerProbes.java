package score.agent.probe;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import score.core.decision.CapacityLedger;
import score.core.port.CapacityProbes;
import score.core.port.Deadlines;
import score.core.port.Hypervisor;
import score.core.port.LocationProbes;
import score.core.port.ProbeAnswers;
import score.protocol.Envelope;
import score.protocol.Message;

/**
 * The core's probes over the wire (S-CORE section III-F), both sides of them, on the ring's thread:
 *
 * <ul>
 *   <li>a location request goes as a datagram to the neighbour VM's own address on the agents'
 *       port; the host that runs the VM steers it to its agent ({@code LocationSteering}), which
 *       answers over its authenticated connection with its host id. A VM that runs here is answered
 *       at once, without the network (a bridge does not send a packet back out of the port it came
 *       in on).
 *   <li>a capacity request goes to the candidate host's agent, which answers with its free slots
 *       and memory less what it promised to other askers ({@link CapacityLedger}).
 * </ul>
 *
 * Each probe gets its own wire id; answers are matched by id, kind and sender, so a stale, forged
 * or duplicated answer changes nothing. A host that moves a VM announces it to every peer (a
 * location response with request id 0: "moving", then "now on host N"), so their cached answers are
 * dropped or replaced at once. At most {@code maxPending} probes wait for an answer (the oldest is
 * forgotten: unanswered counts as unknown anyway).
 */
public final class PeerProbes implements LocationProbes, CapacityProbes {
  /** How probes leave this host. */
  public interface Transport {
    /** To the agent of {@code hostId}, over its connection. */
    void send(int hostId, Message message);

    /** As one datagram to {@code to}. */
    void sendDatagram(InetSocketAddress to, Message message);
  }

  /** What this host is and has, read when a probe asks. */
  public interface Local {
    /** The IPv4 addresses of the VMs running here. */
    Set<Integer> vms();

    /** Free VM slots and memory here. */
    Hypervisor.Room room();
  }

  /** Counts, for metrics. */
  public record Counts(
      long locationsAsked,
      long locationsAnswered,
      long capacitiesAsked,
      long capacitiesAnswered,
      long answersIgnored,
      long requestsAnswered) {}

  private record Pending(
      boolean location, long visitId, int subject, ProbeAnswers answers, long expiresAtNanos) {}

  private final int self;
  private final int agentPort;
  private final Transport transport;
  private final Local local;
  private final CapacityLedger ledger;
  private final LongSupplier nanoTime;
  private final long answerWithinNanos;
  private final int maxPending;
  private final Map<Long, Pending> pending = new LinkedHashMap<>();
  private long nextWireId = 1;
  private Announcements announcements = (vm, host) -> {};

  /** Told of peers' announcements (ring thread). */
  @FunctionalInterface
  public interface Announcements {
    /** {@code vm} now runs on {@code hostId}, or is moving ({@link ProbeAnswers#NOWHERE}). */
    void announced(int vm, int hostId);
  }

  private long locationsAsked;
  private long locationsAnswered;
  private long capacitiesAsked;
  private long capacitiesAnswered;
  private long answersIgnored;
  private long requestsAnswered;

  /**
   * @param answerWithinNanos how long an answer is waited for (longer than any holder timeout)
   */
  public PeerProbes(
      final int self,
      final int agentPort,
      final Transport transport,
      final Local local,
      final CapacityLedger ledger,
      final LongSupplier nanoTime,
      final long answerWithinNanos,
      final int maxPending) {
    if (agentPort < 1 || agentPort > 65535 || maxPending < 1 || answerWithinNanos <= 0) {
      throw new IllegalArgumentException("bad probe settings");
    }
    this.self = self;
    this.agentPort = agentPort;
    this.transport = transport;
    this.local = local;
    this.ledger = ledger;
    this.nanoTime = nanoTime;
    this.answerWithinNanos = answerWithinNanos;
    this.maxPending = maxPending;
  }

  @Override
  public void locate(final long requestId, final int vmId, final ProbeAnswers answers) {
    locationsAsked++;
    if (local.vms().contains(vmId)) {
      locationsAnswered++;
      answers.located(requestId, vmId, self);
      return;
    }
    final long wireId = remember(new Pending(true, requestId, vmId, answers, 0));
    transport.sendDatagram(
        new InetSocketAddress(address(vmId), agentPort), new Message.LocationRequest(wireId, vmId));
  }

  @Override
  public void askCapacity(
      final long requestId, final int hostId, final long memoryBytes, final ProbeAnswers answers) {
    capacitiesAsked++;
    final long wireId = remember(new Pending(false, requestId, hostId, answers, 0));
    transport.send(hostId, new Message.CapacityRequest(wireId, memoryBytes));
  }

  /**
   * Handles a probe message from an authenticated peer; returns false for any other message. On the
   * ring's thread.
   */
  public boolean handle(final Envelope envelope) {
    final int sender = envelope.sender();
    final Message message = envelope.message();
    if (message instanceof Message.LocationRequest request) {
      // Not ours (a VM that just left, a stale rule elsewhere): stay silent, the asker times out.
      if (local.vms().contains(request.vmIp())) {
        requestsAnswered++;
        transport.send(
            sender,
            new Message.LocationResponse(request.requestId(), request.vmIp(), true, self, 0, 0));
      }
      return true;
    }
    if (message instanceof Message.CapacityRequest request) {
      final Hypervisor.Room room = local.room();
      final CapacityLedger.Answer answer =
          ledger.answer(
              sender,
              request.requestId(),
              request.memoryBytes(),
              room.freeSlots(),
              room.freeMemoryBytes(),
              nanoTime.getAsLong());
      requestsAnswered++;
      transport.send(
          sender,
          new Message.CapacityResponse(
              request.requestId(), answer.freeSlots(), answer.freeMemoryBytes()));
      return true;
    }
    if (message instanceof Message.LocationResponse response && response.requestId() == 0) {
      // An announcement: only the host that ran the VM makes one, and only for a member.
      announcements.announced(
          response.vmIp(), response.found() ? response.hostId() : ProbeAnswers.NOWHERE);
      return true;
    }
    if (message instanceof Message.LocationResponse response) {
      final Pending asked = pending.get(response.requestId());
      if (asked == null
          || !asked.location()
          || asked.subject() != response.vmIp()
          || !response.found()) {
        answersIgnored++;
        return true;
      }
      pending.remove(response.requestId());
      locationsAnswered++;
      // The authenticated sender, not the payload, says which host runs it.
      asked.answers().located(asked.visitId(), response.vmIp(), sender);
      return true;
    }
    if (message instanceof Message.CapacityResponse response) {
      final Pending asked = pending.get(response.requestId());
      if (asked == null || asked.location() || asked.subject() != sender) {
        answersIgnored++;
        return true;
      }
      pending.remove(response.requestId());
      capacitiesAnswered++;
      asked
          .answers()
          .capacity(asked.visitId(), sender, response.freeSlots(), response.freeMemoryBytes());
      return true;
    }
    return false;
  }

  /** Where announcements from peers go. */
  public void onAnnouncements(final Announcements listener) {
    this.announcements = listener;
  }

  /**
   * Tells every host in {@code peers} that {@code vm} is moving ({@code toHost} {@link
   * ProbeAnswers#NOWHERE}) or now runs on {@code toHost}.
   */
  public void announce(final int vm, final int toHost, final Iterable<Integer> peers) {
    final Message.LocationResponse announcement =
        new Message.LocationResponse(0, vm, toHost != ProbeAnswers.NOWHERE, toHost, 0, 0);
    for (final int peer : peers) {
      if (peer != self) {
        transport.send(peer, announcement);
      }
    }
  }

  /** Probes waiting for an answer. */
  public int pending() {
    expire(nanoTime.getAsLong());
    return pending.size();
  }

  public Counts counts() {
    return new Counts(
        locationsAsked,
        locationsAnswered,
        capacitiesAsked,
        capacitiesAnswered,
        answersIgnored,
        requestsAnswered);
  }

  private long remember(final Pending probe) {
    final long now = nanoTime.getAsLong();
    expire(now);
    if (pending.size() >= maxPending) {
      final Iterator<Long> oldest = pending.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    final long wireId = nextWireId++;
    pending.put(
        wireId,
        new Pending(
            probe.location(),
            probe.visitId(),
            probe.subject(),
            probe.answers(),
            now + answerWithinNanos));
    return wireId;
  }

  private void expire(final long nowNanos) {
    final Iterator<Pending> it = pending.values().iterator();
    while (it.hasNext()) {
      if (!Deadlines.reached(nowNanos, it.next().expiresAtNanos())) {
        return; // in insertion order, so in expiry order
      }
      it.remove();
    }
  }

  private static InetAddress address(final int ipv4) {
    try {
      return InetAddress.getByAddress(
          new byte[] {
            (byte) (ipv4 >>> 24), (byte) (ipv4 >>> 16), (byte) (ipv4 >>> 8), (byte) ipv4
          });
    } catch (final UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an address", e);
    }
  }
}
