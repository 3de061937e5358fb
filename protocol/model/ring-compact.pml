/*
 * S-CORE token ring: a compact variant of ring.pml, on the way to an exhaustive check.
 *
 * RingModelCheckTest searches it exhaustively with MAXSEQ=1 and MAXROUND=1 (one handover per
 * epoch, one claim round per host; a crash, a cut, any loss): 32.5 million states, 305 s, no
 * violation; and finds its REGAIN witness within the same bounds. With MAXSEQ=2 it passed 44
 * million states without finishing, so the larger bounds stay with ring.pml's bitstate search.
 *
 * Mirrors daemon/src/main/java/score/daemon/ring/RingNode.java; the comments name the methods
 * whose rules each step copies (onToken, onTokenAck, retryHandover, sendHeartbeats, mayConfirm,
 * confirm, onHeartbeat with release, onHeartbeatAck, checkLease, onClaim, startClaim,
 * checkClaim, start).
 *
 * What it abstracts away:
 *  - Time. Leases and promises are flags. RingNode's timing argument (a holder's lease runs from
 *    when it sent the request, shortened by the clock-drift bound, so it ends before every promise
 *    it rests on) becomes two rules: a promise may run out only when no valid lease rests on it,
 *    and a lease is valid at its forming only if every promise it rests on still stands (late
 *    confirmations make a lease that is already over). A restarted host's grace period (one lease
 *    time without voting) becomes the same rule for the promises it forgot.
 *  - Lease requests, confirmations, claims, votes and releases are exchanged with one peer in one
 *    atomic step, or not at all (lost); a late answer is covered by the forming rule above. With
 *    three hosts a majority is the asker plus one peer, so a lease forms, and a claim creates its
 *    token, in the step in which one peer says yes (partial vote counts are not states of their
 *    own; RingNode counts votes the same way, it just waits for them).
 *  - The token travels as a copy on the wire, at most one per sender: it arrives (or is lost, or
 *    meets a cut link) in a later step of its own, so holders change hands, crash and claim while
 *    it is in flight; its acknowledgement comes back in the arrival step or is lost, so a sender
 *    can keep a copy the receiver also holds (the duplicate that fencing and leases must defuse).
 *  - Scratch variables of a step are reset at its end, so they never multiply the states.
 *  - Heartbeat nonces, VM entries, positions and policies.
 *  - Epochs and sequences are bounded (MAXROUND, MAXSEQ) to keep the state space finite.
 *
 * Checked (safety): no reachable state has two hosts that may act (hold the token, not handing it
 * over, under a valid lease), with crashes, restarts, lost messages and a partition.
 * Checked (majorityRegains, expected to be refuted): with host 0 cut off, a token created after
 * the cut reaches a state where a host of the majority side may act.
 */

#define N 3
#define MAJORITY 2
#ifndef MAXROUND
#define MAXROUND 2
#endif
#ifndef MAXSEQ
#define MAXSEQ 3
#endif
#define NONE 255
#ifndef MAXCRASH
#define MAXCRASH 1
#endif
#ifndef MAXCUTS
#define MAXCUTS 1
#endif


/* Scratch for one atomic step, reset to 0 at its end. (Spin's "hidden" would be wrong here: a
   choice inside an atomic step is backtracked to without restoring hidden variables.) */
byte t, e, s, ok, v;

byte flightTo[N], flightE[N], flightS[N];   /* a sender's copy on the wire: target (NONE: none) */

byte seenE[N], seenS[N];              /* tokenEpoch, tokenSequence: newest token seen */
byte promE[N], promS[N], promTo[N];   /* the standing promise; promTo = NONE when none */
bit  voting[N];                       /* 0 during a restarted host's grace period */
bit  holds[N];                        /* held != null */
byte heldE[N], heldS[N];
byte givenS[N];                       /* sequence of the copy a handover gives away */
bit  handing[N];                      /* handover in flight */
bit  lease[N];
byte leaseVoters[N];                  /* whose promises the lease rests on (bitmask) */
byte claimE[N];                       /* claim in progress, 0 = none */
bit  cut[N];
byte crashes, cuts;
byte createdAfterCut;                 /* epoch of a token created while host 0 was cut off */

#define mayAct(i) (holds[i] && !handing[i] && lease[i])
#define SAFE (!((mayAct(0) && mayAct(1)) || (mayAct(0) && mayAct(2)) || (mayAct(1) && mayAct(2))))
#define newer(i, e, s) ((e) > seenE[i] || ((e) == seenE[i] && (s) > seenS[i]))
#define bits(m) (((m) & 1) + (((m) >> 1) & 1) + (((m) >> 2) & 1))
#define linked(a, b) (cut[a] == cut[b])
#define highest(i) (seenE[i] > promE[i] -> seenE[i] : promE[i])
#define nextRound(i) (highest(i) == 0 -> 0 : (highest(i) - 1) / N + 1)
#define restsOn(v) ((lease[0] && (leaseVoters[0] & (1 << (v)))) || (lease[1] && (leaseVoters[1] & (1 << (v)))) || (lease[2] && (leaseVoters[2] & (1 << (v)))))
#define promised(v, mask, h, e, s) (((mask) & (1 << (v))) == 0 || (promTo[v] == (h) && promE[v] == (e) && promS[v] == (s)))
#define allPromised(mask, h, e, s) (promised(0, mask, h, e, s) && promised(1, mask, h, e, s) && promised(2, mask, h, e, s))

/* RingNode.mayConfirm */
#define mayConfirm(v, e, s, h) (voting[v] && !((e) < seenE[v] || ((e) == seenE[v] && (s) < seenS[v])) && (promTo[v] == NONE || (promE[v] == (e) && promS[v] == (s) && promTo[v] == (h))))

/* RingNode.onClaim (its "recent evidence" rule only serves liveness: left out) */
#define mayGrant(v, e) (voting[v] && !holds[v] && (e) > seenE[v] && (e) > promE[v] && promTo[v] == NONE)

inline seen(nI, nE, nS) {
  if
  :: newer(nI, nE, nS) -> seenE[nI] = nE; seenS[nI] = nS
  :: else -> skip
  fi
}

inline dropHeld(dI) {
  holds[dI] = 0; handing[dI] = 0; lease[dI] = 0; leaseVoters[dI] = 0
}

proctype Host(byte i) {
end:
  do
  /* ---- the copy in flight arrives (RingNode.onToken at the receiver) and its acknowledgement
     comes back at once or is lost (RingNode.onTokenAck at the sender) ---- */
  :: atomic { flightTo[i] != NONE ->
       t = flightTo[i]; e = flightE[i]; s = flightS[i]; flightTo[i] = NONE;
       if
       :: linked(i, t) ->
            if
            :: newer(t, e, s) && !(promTo[t] != NONE && promE[t] > e) ->
                 seenE[t] = e; seenS[t] = s;
                 holds[t] = 1; heldE[t] = e; heldS[t] = s; handing[t] = 0;
                 lease[t] = 0; leaseVoters[t] = 0; ok = 1
            :: else -> ok = 0; e = seenE[t]; s = seenS[t]
            fi;
            if
            :: linked(t, i) ->
                 if
                 :: handing[i] && ok && e == heldE[i] && s == heldS[i] ->
                      /* own promise for the copy given away ends; others end by release below */
                      if
                      :: promTo[i] == i && promE[i] == heldE[i] && promS[i] == givenS[i] -> promTo[i] = NONE
                      :: else -> skip
                      fi;
                      dropHeld(i)
                 :: handing[i] && !ok && (e > heldE[i] || (e == heldE[i] && s >= heldS[i])) ->
                      seen(i, e, s); dropHeld(i)
                 :: else -> skip
                 fi
            :: true -> skip   /* the acknowledgement is lost */
            fi
       :: else -> skip        /* the link is cut: the copy is lost */
       fi;
       t = 0; e = 0; s = 0; ok = 0 }
  /* ---- the copy in flight is lost ---- */
  :: atomic { flightTo[i] != NONE -> flightTo[i] = NONE }
  /* ---- release promises for a copy given away (RingNode.onHeartbeat with release) ---- */
  :: atomic { !holds[i] && givenS[i] != NONE -> select (v : 0 .. N - 1);
       if
       :: v != i && linked(i, v) && promTo[v] == i && promE[v] == heldE[i] && promS[v] == givenS[i] ->
            promTo[v] = NONE
       :: else -> skip
       fi;
       v = 0 }
  /* ---- the holder asks one host to confirm its lease (sendHeartbeats, onHeartbeat); with its
     own confirmation that is a majority of three, so the lease forms in the same step
     (RingNode.confirm, checkLease) ---- */
  :: atomic { holds[i] && !handing[i] && !lease[i] -> select (v : 0 .. N - 1);
       if
       :: v != i && linked(i, v) && mayConfirm(v, heldE[i], heldS[i], i) && mayConfirm(i, heldE[i], heldS[i], i) ->
            seenE[v] = heldE[i]; seenS[v] = heldS[i];
            promE[v] = heldE[i]; promS[v] = heldS[i]; promTo[v] = i;
            promE[i] = heldE[i]; promS[i] = heldS[i]; promTo[i] = i;
            lease[i] = 1; leaseVoters[i] = (1 << i) | (1 << v)
       :: v != i && linked(i, v) && !mayConfirm(v, heldE[i], heldS[i], i) ->
            seen(v, heldE[i], heldS[i]);
            /* RingNode.onHeartbeatAck: the answer tells of a newer token */
            if
            :: seenE[v] > heldE[i] || (seenE[v] == heldE[i] && seenS[v] > heldS[i]) ->
                 seen(i, seenE[v], seenS[v]); dropHeld(i)
            :: else -> skip
            fi
       :: else -> skip
       fi;
       v = 0 }
  /* ---- hand the token to another host (RingNode.tick, retryHandover) ---- */
  :: atomic { holds[i] && !handing[i] && heldS[i] < MAXSEQ && flightTo[i] == NONE -> select (v : 0 .. N - 1);
       if
       :: v != i ->
            handing[i] = 1; lease[i] = 0; leaseVoters[i] = 0;
            givenS[i] = heldS[i]; heldS[i] = heldS[i] + 1; seen(i, heldE[i], heldS[i]);
            flightTo[i] = v; flightE[i] = heldE[i]; flightS[i] = heldS[i]
       :: else -> skip
       fi;
       v = 0 }
  /* ---- no acknowledgement: keep the newest copy (retryHandover without a target) ---- */
  :: atomic { handing[i] -> handing[i] = 0 }
  /* ---- claim a new token (RingNode.startClaim) ---- */
  :: atomic { !holds[i] && claimE[i] == 0 && voting[i] && promTo[i] == NONE && nextRound(i) < MAXROUND ->
       /* epochs round * N + claimant + 1 are unique per claimant, as (round << 16 | host) */
       claimE[i] = nextRound(i) * N + i + 1;
       promE[i] = claimE[i]; promS[i] = 0; promTo[i] = i }
  /* ---- one host grants the claim (RingNode.onClaim, onClaimVote); with the claimant's own
     promise that is a majority of three: the token is created (RingNode.checkClaim) ---- */
  :: atomic { claimE[i] != 0 -> select (v : 0 .. N - 1);
       if
       :: v != i && linked(i, v) && mayGrant(v, claimE[i]) ->
            promE[v] = claimE[i]; promS[v] = 0; promTo[v] = i;
            seenE[i] = claimE[i]; seenS[i] = 0;
            holds[i] = 1; heldE[i] = claimE[i]; heldS[i] = 0; handing[i] = 0; givenS[i] = NONE;
            if
            :: allPromised((1 << i) | (1 << v), i, claimE[i], 0) -> lease[i] = 1; leaseVoters[i] = (1 << i) | (1 << v)
            :: else -> lease[i] = 0; leaseVoters[i] = 0   /* its own promise ran out first */
            fi;
            if
            :: cut[0] && i != 0 -> createdAfterCut = claimE[i]
            :: else -> skip
            fi;
            claimE[i] = 0
       :: else -> skip
       fi;
       v = 0 }
  :: atomic { claimE[i] != 0 -> claimE[i] = 0 }          /* claim abandoned */
  /* ---- time passes ---- */
  :: atomic { lease[i] -> lease[i] = 0; leaseVoters[i] = 0 }
  :: atomic { promTo[i] != NONE && !restsOn(i) -> promTo[i] = NONE }
  :: atomic { !voting[i] && !restsOn(i) -> voting[i] = 1 }           /* grace period over */
  /* ---- crash and restart: memory is lost (RingNode.start) ---- */
  :: atomic { crashes < MAXCRASH ->
       crashes++;
       seenE[i] = 0; seenS[i] = 0; promTo[i] = NONE; promE[i] = 0; promS[i] = 0;
       dropHeld(i); claimE[i] = 0; givenS[i] = NONE; voting[i] = 0 }
  /* ---- host 0 is cut off from the others, and the cut heals ---- */
  :: atomic { i == 0 && cuts < MAXCUTS && !cut[0] -> cuts++; cut[0] = 1 }
  :: atomic { i == 0 && cut[0] -> cut[0] = 0 }
  od
}

init {
  byte k;
  atomic {
    for (k : 0 .. N - 1) {
      promTo[k] = NONE; voting[k] = 1; givenS[k] = NONE; flightTo[k] = NONE
    }
    run Host(0); run Host(1); run Host(2)
  }
}

/* Safety: the monitor can fire in any reachable state where two hosts may act. */
active proctype safety() {
end:
  atomic { !SAFE -> assert(false) }
}

#ifdef REGAIN
/* Reachability: a monitor that fails once the majority side acts on a token made after the cut. */
active proctype majorityRegains() {
end:
  atomic { cut[0] && createdAfterCut != 0 && (mayAct(1) || mayAct(2)) && (heldE[1] == createdAfterCut || heldE[2] == createdAfterCut) -> assert(false) }
}
#endif
