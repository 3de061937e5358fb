package score.protocol;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** jqwik generators for every message type. */
final class Messages {
  private Messages() {}

  static Arbitrary<Token> tokens(final int maxVms) {
    final Arbitrary<TokenPolicy> policies = Arbitraries.of(TokenPolicy.class);
    return Combinators.combine(
            policies,
            Arbitraries.longs(),
            Arbitraries.longs(),
            Arbitraries.integers(),
            Arbitraries.integers().array(int[].class).ofMaxSize(maxVms),
            Arbitraries.randomValue(random -> random.nextLong()))
        .as(
            (policy, epoch, sequence, creator, ids, seed) -> {
              final java.util.Random random = new java.util.Random(seed);
              byte[] levels = null;
              if (policy.carriesLevels()) {
                levels = new byte[ids.length];
                random.nextBytes(levels);
              }
              final int position = ids.length == 0 ? 0 : random.nextInt(ids.length);
              return new Token(policy, epoch, sequence, position, creator, ids, levels);
            });
  }

  static Arbitrary<Message> messages() {
    final Arbitrary<Long> longs = Arbitraries.longs();
    final Arbitrary<Long> quantities = Arbitraries.longs().greaterOrEqual(0);
    final Arbitrary<Integer> ints = Arbitraries.integers();
    final Arbitrary<Boolean> booleans = Arbitraries.of(true, false);
    return Arbitraries.oneOf(
        tokens(300).map(Message.TokenMessage::new),
        Combinators.combine(longs, longs, booleans).as(Message.TokenAck::new),
        Combinators.combine(longs, ints).as(Message.LocationRequest::new),
        Combinators.combine(
                longs, ints, booleans, ints, ints, Arbitraries.integers().between(0, 65535))
            .as(Message.LocationResponse::new),
        Combinators.combine(longs, quantities).as(Message.CapacityRequest::new),
        Combinators.combine(longs, ints, quantities).as(Message.CapacityResponse::new),
        Combinators.combine(longs, ints, quantities, ints).as(Message.Backoff::new),
        Combinators.combine(longs, longs, longs, booleans, longs).as(Message.Heartbeat::new),
        Combinators.combine(longs, longs, longs, booleans, longs).as(Message.HeartbeatAck::new),
        Combinators.combine(longs, booleans).as(Message.Claim::new),
        Combinators.combine(longs, booleans, longs).as(Message.ClaimVote::new),
        Arbitraries.just(new Message.Hello()));
  }

  static Arbitrary<Envelope> envelopes() {
    return Combinators.combine(Arbitraries.integers(), Arbitraries.longs(), messages())
        .as(Envelope::new);
  }
}
