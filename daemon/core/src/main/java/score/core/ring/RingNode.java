package score.core.ring;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import score.core.port.Deadlines;
import score.protocol.Message;
import score.protocol.Token;
import score.protocol.TokenPolicy;

/**
 * One host's side of the token ring: pure logic, no I/O. Time comes in as {@code nowNanos},
 * messages leave through the {@link Outbox}; the agent drives it from its network thread, the tests
 * from a simulated network. {@code protocol/model/ring.pml} mirrors this class for the model
 * checker.
 *
 * <h2>Safety: never two hosts acting at once</h2>
 *
 * <p>Holding the token is not enough to start a migration ("act"): the holder needs a
 * <em>lease</em>, a confirmation of its token {@code (epoch, sequence)} from a majority of the
 * configured hosts within the last lease time. A host that confirms <em>promises</em> for one lease
 * time (on its own clock, from when it received the request) to confirm nothing else and to vote
 * for no new token. The holder's lease runs from when it <em>sent</em> the request and is shortened
 * by the clock-drift bound, so it ends before any of the promises it rests on. Two majorities share
 * a host, and that host's promise is exclusive, so two leases never overlap in time. A holder that
 * passes the token on releases the promises made to it (it will not act on that token again).
 *
 * <h2>Fencing: epochs</h2>
 *
 * <p>A new token is created only by a <em>claim</em> that a majority granted; a grant is also a
 * promise, so it waits until every earlier lease has run out. Epochs are {@code (round << 16) |
 * hostId}, unique per claimant. Hosts remember the highest token {@code (epoch, sequence)} they
 * accepted or confirmed and refuse anything older, so a token from before a claim can never gather
 * a majority again, and dies at the first host that knows better. Duplicates of one epoch (a
 * handover whose acknowledgement was lost and was then retried elsewhere) die the same way: every
 * retry takes a higher sequence.
 *
 * <h2>Liveness</h2>
 *
 * <p>Every host expects a sign of a live token (the token itself, or its holder's lease requests)
 * within the rotation bound; when none comes it claims. A side of a partition without a majority
 * can neither claim nor confirm, so it holds: its hosts report no quorum. A restarted host has lost
 * its promises, so it confirms and votes nothing for one lease time after it starts.
 */
public final class RingNode {
  private final RingSettings settings;
  private final Outbox outbox;
  private final TokenWork work;
  private final RingEvents events;
  private final Supplier<Token> firstToken;
  private final int self;
  private final List<Integer> members;
  private final long leaseNanos;
  private final long ownLeaseNanos;
  private final long heartbeatNanos;
  private final long ackTimeoutNanos;
  private final long suspectNanos;
  private final long claimAfterNanos;
  private final long[] lastHeard;
  private final long fingerprint;

  /** Per member: the cluster fingerprint of its last heartbeat or acknowledgement (0: none yet). */
  private final long[] peerFingerprint;

  /** Per member: whether its fingerprint equals this host's; only then does it count. */
  private final boolean[] sameCluster;

  // What this host has seen and promised. Lost on restart.
  private long tokenEpoch;
  private long tokenSequence;
  private long promisedEpoch;
  private long promisedSequence;
  private int promisedTo = -1;

  /**
   * The highest other host seen asking a lease for the very copy promised to {@link #promisedTo}
   * (-1: none). Two hosts can hold one (epoch, sequence) when a handover's acknowledgement and the
   * refusal of its retry are both lost; the hosts' promises would then split between them and
   * neither would ever get a majority. The copy of the lower host stands down.
   */
  private int duplicateHolder = -1;

  /** Whether a promise is standing; it ends at {@link #promiseUntil}. */
  private boolean promising;

  private long promiseUntil;
  private long votingAllowedAfter;
  private long lastEvidence;
  private Token lastToken;
  private int lastTokenHolder = -1;
  private boolean tokenSeen;
  private long lastTokenSeenAt;

  // Holding.
  private Token held;

  /** Whether a majority confirmed the hold; the lease ends at {@link #leaseUntil}. */
  private boolean leased;

  private long leaseUntil;
  private long roundNonce;
  private long roundSentAt;
  private boolean[] roundConfirmed;
  private Token handover;
  private int handoverTarget = -1;
  private int preferredNext = -1;
  private long handoverSentAt;
  private boolean[] handoverRefused;

  // Claiming.
  private long claimEpoch;
  private long claimSentAt;
  private boolean[] claimVotes;

  private long lastHeartbeatSent;
  private long claimJitterNanos;
  private TokenPolicy injectedPolicy;
  private long fenceEpoch;
  private boolean injecting;
  private long injectUntil;
  private boolean injectForced;
  private long claimAttempts;
  private long nonces;

  /**
   * @param firstToken the token to create when this host wins a claim and has never seen one (its
   *     entries and policy); called on the ring's thread
   */
  public RingNode(
      final RingSettings settings,
      final Outbox outbox,
      final TokenWork work,
      final RingEvents events,
      final Supplier<Token> firstToken) {
    this.settings = Objects.requireNonNull(settings);
    this.outbox = Objects.requireNonNull(outbox);
    this.work = Objects.requireNonNull(work);
    this.events = Objects.requireNonNull(events);
    this.firstToken = Objects.requireNonNull(firstToken);
    this.self = settings.selfId();
    this.members = settings.members();
    this.leaseNanos = settings.lease().toNanos();
    this.ownLeaseNanos = (long) (leaseNanos * (1 - settings.clockDriftFraction()));
    this.heartbeatNanos = settings.heartbeat().toNanos();
    this.ackTimeoutNanos = settings.ackTimeout().toNanos();
    this.suspectNanos = settings.suspectAfter().toNanos();
    // Stagger claims by position in the ring so that two hosts rarely claim at once.
    this.claimAfterNanos =
        settings.rotationBound().toNanos()
            + members.indexOf(self) * settings.rotationPerHost().toNanos();
    this.lastHeard = new long[members.size()];
    this.fingerprint = settings.clusterFingerprint();
    this.peerFingerprint = new long[members.size()];
    this.sameCluster = new boolean[members.size()];
    this.roundConfirmed = new boolean[members.size()];
    this.handoverRefused = new boolean[members.size()];
    this.claimVotes = new boolean[members.size()];
  }

  /** Starts (or restarts) the host: it votes and confirms nothing for one lease time. */
  public void start(final long nowNanos) {
    votingAllowedAfter = nowNanos + leaseNanos;
    lastEvidence = nowNanos;
    lastHeartbeatSent = nowNanos - heartbeatNanos;
    java.util.Arrays.fill(lastHeard, nowNanos);
  }

  // ------------------------------------------------------------------ time

  /** Heartbeats, lease renewal, handover retries, work, loss detection. Call often. */
  public void tick(final long nowNanos) {
    final boolean waitingForLease = held != null && handover == null && !leaseValid(nowNanos);
    if (nowNanos - lastHeartbeatSent >= heartbeatNanos
        || (waitingForLease && nowNanos - lastHeartbeatSent >= heartbeatNanos / 8)) {
      // A holder without a lease asks again soon: the promises to the previous holder are
      // usually released within a round trip.
      lastHeartbeatSent = nowNanos;
      sendHeartbeats(nowNanos);
    }
    if (handover != null && nowNanos - handoverSentAt > ackTimeoutNanos) {
      // No acknowledgement in time: skip that host, try the next with a higher sequence.
      // Suspect it at once: heard last longer ago than the suspicion bound.
      lastHeard[members.indexOf(handoverTarget)] = nowNanos - suspectNanos - 1;
      handoverRefused[members.indexOf(handoverTarget)] = true;
      retryHandover(nowNanos);
    }
    if (held != null && handover == null) {
      Token next;
      int wantedNext;
      try {
        next = work.hold(held, leaseValid(nowNanos), leaseUntil, nowNanos);
        wantedNext = next == null ? -1 : work.nextHost(next);
      } catch (final RuntimeException e) {
        // A fault in the work must not stall the ring (nor, by holding on, the cluster): the
        // token goes on to the next host in ring order with the next VM's turn, so the VM whose
        // work failed does not bring it straight back.
        events.workFailed(self, e, nowNanos);
        next = held.advanced(held.vmCount() == 0 ? 0 : (held.position() + 1) % held.vmCount());
        wantedNext = -1;
      }
      if (next != null) {
        java.util.Arrays.fill(handoverRefused, false);
        preferredNext = wantedNext;
        handover = handedOver(next);
        // From here on the token may be elsewhere: this host never acts on its old lease again.
        leased = false;
        retryHandover(nowNanos);
      }
    }
    if (claimEpoch != 0 && nowNanos - claimSentAt > 4 * ackTimeoutNanos) {
      abandonClaim(nowNanos);
    }
    if (held == null
        && claimEpoch == 0
        && quorum(nowNanos)
        && nowNanos - lastEvidence > claimAfterNanos + claimJitterNanos) {
      startClaim(nowNanos);
    } else if (held == null && claimEpoch == 0 && injecting) {
      if (Deadlines.reached(nowNanos, injectUntil)) {
        injecting = false;
        return;
      }
      startClaim(nowNanos, injectForced);
    }
  }

  private void sendHeartbeats(final long nowNanos) {
    final long nonce = ++nonces;
    long epoch = 0;
    long sequence = 0;
    if (held != null && handover == null) {
      epoch = held.epoch();
      sequence = held.sequence();
      roundNonce = nonce;
      roundSentAt = nowNanos;
      java.util.Arrays.fill(roundConfirmed, false);
      if (mayConfirm(epoch, sequence, self, nowNanos)) {
        confirm(epoch, sequence, self, nowNanos);
        roundConfirmed[members.indexOf(self)] = true;
        checkLease();
      }
    }
    final Message.Heartbeat heartbeat =
        new Message.Heartbeat(nonce, epoch, sequence, false, fingerprint);
    for (final int member : members) {
      if (member != self) {
        outbox.send(member, heartbeat);
      }
    }
  }

  /**
   * How long the driver may wait before the next {@link #tick} when no message arrives: {@code
   * finestNanos} while this host waits for a lease, hands over, claims or injects (their timeouts
   * need a fine clock); under a valid lease, until the work is due or the lease is renewed;
   * otherwise until its next heartbeat or the moment it would claim, whichever comes first. An idle
   * host thus wakes about once per heartbeat instead of at a fixed fine rate.
   */
  public long nanosUntilTick(final long nowNanos, final long finestNanos) {
    final long untilHeartbeat = heartbeatNanos - (nowNanos - lastHeartbeatSent);
    if (held != null && handover == null && claimEpoch == 0 && !injecting && leaseValid(nowNanos)) {
      // Holding under a lease: wake for the work when it is due, and to renew the lease.
      long due;
      try {
        due = work.nanosUntilDue(nowNanos);
      } catch (final RuntimeException e) {
        events.workFailed(self, e, nowNanos);
        due = 0;
      }
      final long wait = Math.min(untilHeartbeat, due);
      return Math.max(finestNanos, Math.min(heartbeatNanos, wait));
    }
    if (held != null || handover != null || claimEpoch != 0 || injecting) {
      return finestNanos;
    }
    final long untilClaim = claimAfterNanos + claimJitterNanos - (nowNanos - lastEvidence) + 1;
    final long wait = Math.min(untilHeartbeat, untilClaim);
    return Math.max(finestNanos, Math.min(heartbeatNanos, wait));
  }

  // ------------------------------------------------------------------ messages

  /**
   * The token as its holder hands it over: one handover later (a higher sequence), at the position
   * the work left it. A simulated ring hands over the same way.
   */
  public static Token handedOver(final Token next) {
    return next.advanced(next.position());
  }

  /** Handles one message from {@code sender}. */
  public void received(final int sender, final Message message, final long nowNanos) {
    final int index = members.indexOf(sender);
    if (index < 0 || sender == self) {
      return;
    }
    if (message instanceof Message.Heartbeat heartbeat) {
      checkCluster(index, heartbeat.clusterFingerprint(), nowNanos);
    } else if (message instanceof Message.HeartbeatAck ack) {
      checkCluster(index, ack.clusterFingerprint(), nowNanos);
    }
    if (!sameCluster[index]) {
      // A host whose cluster file differs (or that has not shown its fingerprint yet) is not
      // heard: it does not count toward a majority, confirms no lease and votes in no claim.
      return;
    }
    lastHeard[index] = nowNanos;
    if (message instanceof Message.TokenMessage token) {
      onToken(sender, token.token(), nowNanos);
    } else if (message instanceof Message.TokenAck ack) {
      onTokenAck(sender, ack, nowNanos);
    } else if (message instanceof Message.Heartbeat heartbeat) {
      onHeartbeat(sender, heartbeat, nowNanos);
    } else if (message instanceof Message.HeartbeatAck ack) {
      onHeartbeatAck(sender, ack, nowNanos);
    } else if (message instanceof Message.Claim claim) {
      onClaim(sender, claim, nowNanos);
    } else if (message instanceof Message.ClaimVote vote) {
      onClaimVote(sender, vote, nowNanos);
    }
    // Probes and back-off are for other parts of the agent.
  }

  private void checkCluster(final int index, final long theirs, final long nowNanos) {
    sameCluster[index] = theirs == fingerprint;
    if (peerFingerprint[index] != theirs) {
      peerFingerprint[index] = theirs;
      if (theirs != fingerprint) {
        events.configMismatch(self, members.get(index), theirs, fingerprint, nowNanos);
      }
    }
  }

  /** Remembers that token {@code (epoch, sequence)} exists, if newer than what was seen. */
  private void seen(final long epoch, final long sequence) {
    if (newer(epoch, sequence)) {
      tokenEpoch = epoch;
      tokenSequence = sequence;
    }
  }

  private boolean newer(final long epoch, final long sequence) {
    return epoch > tokenEpoch || (epoch == tokenEpoch && sequence > tokenSequence);
  }

  private void onToken(final int sender, final Token token, final long nowNanos) {
    final boolean fencedByClaim = promiseStands(nowNanos) && promisedEpoch > token.epoch();
    if (!newer(token.epoch(), token.sequence()) || fencedByClaim) {
      outbox.send(sender, new Message.TokenAck(tokenEpoch, tokenSequence, false));
      return;
    }
    if (held != null) {
      events.dropped(self, held, "superseded by a newer token", nowNanos);
    }
    tokenEpoch = token.epoch();
    tokenSequence = token.sequence();
    lastEvidence = nowNanos;
    noteToken(token, self, nowNanos);
    held = token;
    handover = null;
    handoverTarget = -1;
    leased = false;
    outbox.send(sender, new Message.TokenAck(token.epoch(), token.sequence(), true));
    events.accepted(self, token, nowNanos);
    // Ask for a lease at once rather than at the next heartbeat.
    lastHeartbeatSent = nowNanos;
    sendHeartbeats(nowNanos);
  }

  private void onTokenAck(final int sender, final Message.TokenAck ack, final long nowNanos) {
    if (handover == null || sender != handoverTarget) {
      return;
    }
    if (ack.accepted()
        && ack.epoch() == handover.epoch()
        && ack.sequence() == handover.sequence()) {
      final Token passed = handover;
      final Token given = held;
      held = null;
      handover = null;
      handoverTarget = -1;
      leased = false;
      noteToken(passed, sender, nowNanos);
      events.passed(self, passed, sender, nowNanos);
      // Release the promises made for the token given away: this host will not act on it again.
      final Message.Heartbeat release =
          new Message.Heartbeat(++nonces, given.epoch(), given.sequence(), true, fingerprint);
      for (final int member : members) {
        if (member != self) {
          outbox.send(member, release);
        }
      }
      releaseOwnPromise(given, nowNanos);
      return;
    }
    if (!ack.accepted()
        && (ack.epoch() > handover.epoch()
            || (ack.epoch() == handover.epoch() && ack.sequence() >= handover.sequence()))) {
      // The receiver knows a newer token (or a copy of this one that went ahead): ours is stale.
      events.dropped(self, handover, "refused as stale by host " + sender, nowNanos);
      seen(ack.epoch(), ack.sequence());
      held = null;
      handover = null;
      handoverTarget = -1;
      return;
    }
    if (!ack.accepted()) {
      handoverRefused[members.indexOf(sender)] = true;
      retryHandover(nowNanos);
    }
  }

  private void retryHandover(final long nowNanos) {
    final int target = nextLiveHost(nowNanos);
    if (handoverTarget >= 0) {
      handover = handover.advanced(handover.position());
    }
    // Any copy older than what this host sent is stale, its own included.
    seen(handover.epoch(), handover.sequence());
    if (target < 0) {
      // Nobody else took it: keep the newest copy and try again later, under a fresh lease.
      held = handover;
      handover = null;
      handoverTarget = -1;
      return;
    }
    handoverTarget = target;
    handoverSentAt = nowNanos;
    outbox.send(target, new Message.TokenMessage(handover));
  }

  /**
   * The host the work asked for when it is a live member that did not refuse this handover, else
   * the first successor in ring order that is.
   */
  private int nextLiveHost(final long nowNanos) {
    final int preferred = preferredNext == self ? -1 : members.indexOf(preferredNext);
    if (preferred >= 0
        && !handoverRefused[preferred]
        && sameCluster[preferred]
        && nowNanos - lastHeard[preferred] <= suspectNanos) {
      return preferredNext;
    }
    final int start = members.indexOf(self);
    for (int step = 1; step < members.size(); step++) {
      final int index = (start + step) % members.size();
      if (!handoverRefused[index]
          && sameCluster[index]
          && nowNanos - lastHeard[index] <= suspectNanos) {
        return members.get(index);
      }
    }
    return -1;
  }

  private void onHeartbeat(
      final int sender, final Message.Heartbeat heartbeat, final long nowNanos) {
    if (heartbeat.release()) {
      // Exactly the promise for the token given away: a late release cannot end a newer one.
      if (promisedTo == sender
          && promisedEpoch == heartbeat.leaseEpoch()
          && promisedSequence == heartbeat.leaseSequence()) {
        endPromise(nowNanos);
      }
      return;
    }
    if (heartbeat.leaseEpoch() == 0) {
      // A plain liveness probe: its arrival is the news. Only a holder's lease request needs an
      // answer (a former holder and a host handing over ignore acknowledgements), so an idle ring
      // exchanges half the frames.
      return;
    }
    final long epoch = heartbeat.leaseEpoch();
    final long sequence = heartbeat.leaseSequence();
    if (epoch >= tokenEpoch) {
      lastEvidence = nowNanos;
    }
    if (duplicateOfPromised(epoch, sequence, sender, nowNanos)) {
      // One copy held by two hosts: the lower one is told a newer copy exists (only told: this
      // host records nothing newer), drops its copy, and the promises go to the other.
      outbox.send(
          sender,
          new Message.HeartbeatAck(heartbeat.nonce(), epoch, sequence + 1, false, fingerprint));
      return;
    }
    final boolean confirmed = mayConfirm(epoch, sequence, sender, nowNanos);
    if (confirmed) {
      confirm(epoch, sequence, sender, nowNanos);
      noteHolder(sender, nowNanos);
    } else {
      // Refused only for a promise to someone else: still, a newer token exists, and older
      // copies must not be confirmed from now on (so that duplicates die out).
      seen(epoch, sequence);
    }
    outbox.send(
        sender,
        new Message.HeartbeatAck(
            heartbeat.nonce(), tokenEpoch, tokenSequence, confirmed, fingerprint));
  }

  /**
   * Whether {@code sender}'s lease request is for the copy this host promised to another host, or
   * promised to {@code sender} while a higher host asks for it too, and {@code sender} is the lower
   * of the two: then it must stand down.
   */
  private boolean duplicateOfPromised(
      final long epoch, final long sequence, final int sender, final long nowNanos) {
    if (!promiseStands(nowNanos) || promisedEpoch != epoch || promisedSequence != sequence) {
      duplicateHolder = -1;
      return false;
    }
    if (promisedTo != sender) {
      if (sender > promisedTo) {
        duplicateHolder = Math.max(duplicateHolder, sender);
        return false; // the promise binds this host; the lower holder is told when it renews
      }
      return true;
    }
    return duplicateHolder > sender;
  }

  private void releaseOwnPromise(final Token given, final long nowNanos) {
    if (promisedTo == self
        && promisedEpoch == given.epoch()
        && promisedSequence == given.sequence()) {
      endPromise(nowNanos);
    }
  }

  /** Whether this host's standing promise (to anyone) still binds it at {@code nowNanos}. */
  private boolean promiseStands(final long nowNanos) {
    return promising && Deadlines.before(nowNanos, promiseUntil);
  }

  private void endPromise(final long nowNanos) {
    if (promising) {
      promiseUntil = Deadlines.earlier(promiseUntil, nowNanos);
    }
  }

  private void promise(final long nowNanos) {
    promising = true;
    promiseUntil = nowNanos + leaseNanos;
  }

  /** Whether the holder's lease, confirmed by a majority, still runs at {@code nowNanos}. */
  private boolean leaseValid(final long nowNanos) {
    return leased && Deadlines.before(nowNanos, leaseUntil);
  }

  private boolean mayConfirm(
      final long epoch, final long sequence, final int holder, final long nowNanos) {
    if (Deadlines.before(nowNanos, votingAllowedAfter)) {
      return false;
    }
    if (epoch < tokenEpoch || (epoch == tokenEpoch && sequence < tokenSequence)) {
      return false;
    }
    if (epoch < fenceEpoch) {
      // An operator's forced claim for a newer epoch is waiting for promises to run out.
      return false;
    }
    if (!promiseStands(nowNanos)) {
      return true;
    }
    return promisedEpoch == epoch && promisedSequence == sequence && promisedTo == holder;
  }

  private void confirm(
      final long epoch, final long sequence, final int holder, final long nowNanos) {
    tokenEpoch = epoch;
    tokenSequence = sequence;
    promisedEpoch = epoch;
    promisedSequence = sequence;
    promisedTo = holder;
    promise(nowNanos);
    lastEvidence = nowNanos;
  }

  private void onHeartbeatAck(
      final int sender, final Message.HeartbeatAck ack, final long nowNanos) {
    if (held == null || handover != null) {
      return;
    }
    if (ack.highestEpoch() > held.epoch()
        || (ack.highestEpoch() == held.epoch() && ack.highestSequence() > held.sequence())) {
      // A newer token, or a newer copy of this one, exists: this one is stale.
      events.dropped(self, held, "host " + sender + " knows a newer token", nowNanos);
      seen(ack.highestEpoch(), ack.highestSequence());
      held = null;
      leased = false;
      return;
    }
    if (ack.nonce() != roundNonce) {
      return;
    }
    if (ack.leaseConfirmed()) {
      roundConfirmed[members.indexOf(sender)] = true;
      checkLease();
    }
  }

  private void checkLease() {
    int confirmations = 0;
    for (final boolean confirmed : roundConfirmed) {
      if (confirmed) {
        confirmations++;
      }
    }
    if (confirmations >= settings.majority()) {
      final long until = roundSentAt + ownLeaseNanos;
      leaseUntil = leased ? Deadlines.later(leaseUntil, until) : until;
      leased = true;
    }
  }

  private void onClaim(final int sender, final Message.Claim claim, final long nowNanos) {
    final long proposed = claim.proposedEpoch();
    final boolean granted =
        Deadlines.reached(nowNanos, votingAllowedAfter)
            && held == null
            && proposed > tokenEpoch
            && proposed > promisedEpoch
            && !promiseStands(nowNanos)
            // A host that saw a live token recently does not help to replace it, unless an
            // operator forces the replacement.
            && (claim.forced() || nowNanos - lastEvidence > 3 * heartbeatNanos);
    if (!granted && claim.forced() && proposed > tokenEpoch) {
      // Stop renewing leases of older tokens, so that the promise runs out and the retried
      // forced claim can win.
      fenceEpoch = Math.max(fenceEpoch, proposed);
    }
    if (granted) {
      promisedEpoch = proposed;
      promisedSequence = 0;
      promisedTo = sender;
      promise(nowNanos);
      lastEvidence = nowNanos;
    }
    outbox.send(
        sender, new Message.ClaimVote(proposed, granted, Math.max(tokenEpoch, promisedEpoch)));
  }

  /**
   * A claim that did not win waits a fresh pseudo-random time (like Raft's randomised election
   * timeout), different per host and attempt, so that split votes do not repeat.
   */
  private void abandonClaim(final long nowNanos) {
    claimEpoch = 0;
    lastEvidence = nowNanos;
    claimAttempts++;
    final long mixed = mix(self * 0x9E3779B97F4A7C15L + claimAttempts);
    claimJitterNanos = Math.floorMod(mixed, 3 * leaseNanos);
  }

  private static long mix(final long value) {
    long x = value;
    x ^= x >>> 33;
    x *= 0xff51afd7ed558ccdL;
    x ^= x >>> 33;
    x *= 0xc4ceb9fe1a85ec53L;
    x ^= x >>> 33;
    return x;
  }

  private void startClaim(final long nowNanos) {
    startClaim(nowNanos, false);
  }

  /** What {@link #inject} did. */
  public record InjectResult(boolean started, long epoch, String message) {}

  /**
   * {@code score token inject}: start a token with {@code policy} now. Refused while a token is
   * alive (this host holds it or saw it within the rotation bound) unless {@code force}; a forced
   * claim still needs a majority, still waits for every standing promise, and bumps the epoch, so
   * the old token dies.
   */
  public InjectResult inject(final TokenPolicy policy, final boolean force, final long nowNanos) {
    final boolean alive = held != null || nowNanos - lastEvidence < claimAfterNanos;
    if (alive && !force) {
      return new InjectResult(
          false,
          tokenEpoch,
          "a token is alive (epoch "
              + tokenEpoch
              + ", last sign "
              + (nowNanos - lastEvidence) / 1_000_000
              + " ms ago); use --force to replace it");
    }
    if (!quorum(nowNanos)) {
      return new InjectResult(
          false, tokenEpoch, "no quorum: this host hears fewer than a majority of the hosts");
    }
    if (held != null) {
      events.dropped(self, held, "replaced by an operator", nowNanos);
      held = null;
      handover = null;
      leased = false;
    }
    injectedPolicy = policy;
    injectForced = force;
    // Keep claiming for a while: promises made to the old token must run out first.
    injecting = true;
    injectUntil = nowNanos + 10 * leaseNanos + claimAfterNanos;
    final long proposed = ((Math.max(tokenEpoch, promisedEpoch) >>> 16) + 1) << 16 | self;
    if (force) {
      fenceEpoch = Math.max(fenceEpoch, proposed);
    }
    claimEpoch = 0;
    startClaim(nowNanos, force);
    return new InjectResult(
        true,
        held != null ? held.epoch() : Math.max(claimEpoch, proposed),
        "claim for a new token started; it needs a majority of the hosts");
  }

  private void startClaim(final long nowNanos, final boolean forced) {
    final long round = (Math.max(tokenEpoch, promisedEpoch) >>> 16) + 1;
    final long proposed = (round << 16) | self;
    if (Deadlines.before(nowNanos, votingAllowedAfter) || promiseStands(nowNanos)) {
      lastEvidence = nowNanos;
      return;
    }
    claimEpoch = proposed;
    claimSentAt = nowNanos;
    java.util.Arrays.fill(claimVotes, false);
    promisedEpoch = proposed;
    promisedSequence = 0;
    promisedTo = self;
    promise(nowNanos);
    claimVotes[members.indexOf(self)] = true;
    events.claimStarted(self, proposed, nowNanos);
    for (final int member : members) {
      if (member != self) {
        outbox.send(member, new Message.Claim(proposed, forced));
      }
    }
    checkClaim(nowNanos);
  }

  private void onClaimVote(final int sender, final Message.ClaimVote vote, final long nowNanos) {
    if (claimEpoch == 0 || vote.proposedEpoch() != claimEpoch) {
      return;
    }
    if (vote.granted()) {
      claimVotes[members.indexOf(sender)] = true;
      checkClaim(nowNanos);
    } else if (vote.highestEpoch() >= claimEpoch) {
      abandonClaim(nowNanos);
    }
  }

  private void checkClaim(final long nowNanos) {
    int votes = 0;
    for (final boolean vote : claimVotes) {
      if (vote) {
        votes++;
      }
    }
    if (votes < settings.majority()) {
      return;
    }
    final Token template = lastToken != null ? lastToken : firstToken.get();
    final TokenPolicy policy = injectedPolicy != null ? injectedPolicy : template.policy();
    final Token created =
        new Token(policy, claimEpoch, 0, 0, self, entries(template), levels(template, policy));
    injectedPolicy = null;
    injecting = false;
    tokenEpoch = claimEpoch;
    tokenSequence = 0;
    // The votes promised this host exactly (epoch, 0): they are the first lease.
    leaseUntil = claimSentAt + ownLeaseNanos;
    leased = true;
    claimEpoch = 0;
    held = created;
    handover = null;
    lastEvidence = nowNanos;
    noteToken(created, self, nowNanos);
    events.created(self, created, nowNanos);
  }

  private static int[] entries(final Token token) {
    final int[] ids = new int[token.vmCount()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = token.vmId(i);
    }
    return ids;
  }

  private static byte[] levels(final Token token, final TokenPolicy policy) {
    if (!policy.carriesLevels()) {
      return null;
    }
    final byte[] levels = new byte[token.vmCount()];
    for (int i = 0; i < levels.length; i++) {
      levels[i] = (byte) token.level(i);
    }
    return levels;
  }

  private void noteToken(final Token token, final int holder, final long nowNanos) {
    lastToken = token;
    lastTokenHolder = holder;
    lastTokenSeenAt = nowNanos;
    tokenSeen = true;
  }

  private void noteHolder(final int holder, final long nowNanos) {
    lastTokenHolder = holder;
    lastTokenSeenAt = nowNanos;
    tokenSeen = true;
  }

  // ------------------------------------------------------------------ queries

  /** The newest token epoch this host has seen: the cluster epoch stamped on its frames. */
  public long tokenEpoch() {
    return tokenEpoch;
  }

  /** Whether this host hears from a majority of the configured hosts, itself included. */
  public boolean quorum(final long nowNanos) {
    return livePeers(nowNanos) + 1 >= settings.majority();
  }

  private int livePeers(final long nowNanos) {
    int live = 0;
    for (int i = 0; i < members.size(); i++) {
      if (members.get(i) != self && sameCluster[i] && nowNanos - lastHeard[i] <= suspectNanos) {
        live++;
      }
    }
    return live;
  }

  /** Whether this host may start a migration now: it holds the token under a valid lease. */
  public boolean mayAct(final long nowNanos) {
    return held != null && handover == null && leaseValid(nowNanos);
  }

  /** Holds the token (also while a handover waits for its acknowledgement). */
  public boolean holding() {
    return held != null;
  }

  /** Holds the token and is not handing it over. */
  public boolean holdingSettled() {
    return held != null && handover == null;
  }

  public RingStatus status(final long nowNanos) {
    return new RingStatus(
        self,
        held != null,
        quorum(nowNanos),
        mayAct(nowNanos),
        tokenEpoch,
        tokenSequence,
        lastToken == null ? -1 : lastToken.vmCount(),
        lastToken == null ? null : lastToken.policy().name(),
        lastTokenHolder,
        lastToken == null ? 0 : lastToken.position(),
        tokenSeen ? (nowNanos - lastTokenSeenAt) / 1_000_000 : -1,
        livePeers(nowNanos),
        members.size(),
        mismatchedPeers());
  }

  private java.util.List<Integer> mismatchedPeers() {
    final java.util.List<Integer> mismatched = new java.util.ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      if (peerFingerprint[i] != 0 && peerFingerprint[i] != fingerprint) {
        mismatched.add(members.get(i));
      }
    }
    return mismatched;
  }
}
