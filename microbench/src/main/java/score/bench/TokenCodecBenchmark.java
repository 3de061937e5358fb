package score.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import score.protocol.ClusterKey;
import score.protocol.Envelope;
import score.protocol.FrameCodec;
import score.protocol.Message;
import score.protocol.ProtocolException;
import score.protocol.Token;
import score.protocol.TokenPolicy;

/**
 * Encode plus decode of a {@link #VMS}-VM load-aware token: bare, and as an authenticated frame.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class TokenCodecBenchmark {
  /** The token: 40,960 VMs (2,560 hosts with 16 VMs each). */
  public static final int VMS = 40_960;

  private Token token;
  private Envelope envelope;
  private ByteBuf buffer;
  private FrameCodec codec;

  static Token token(final int vms) {
    final Random random = new Random(1);
    final int[] ids = new int[vms];
    final byte[] levels = new byte[vms];
    for (int i = 0; i < vms; i++) {
      ids[i] = 0x0A000000 + i;
      levels[i] = (byte) random.nextInt(256);
    }
    return new Token(TokenPolicy.LOAD_AWARE, 7, 123, 5, 1, ids, levels);
  }

  @Setup(Level.Trial)
  public void setUp() {
    token = token(VMS);
    envelope = new Envelope(1, 7, new Message.TokenMessage(token));
    buffer = Unpooled.buffer(FrameCodec.encodedBytes(envelope));
    codec = new FrameCodec(ClusterKey.of(new byte[32]));
  }

  @Benchmark
  public Token encodeDecode() throws ProtocolException {
    buffer.clear();
    token.write(buffer);
    return Token.read(buffer, VMS);
  }

  @Benchmark
  public Envelope frameEncodeDecode() throws ProtocolException {
    buffer.clear();
    codec.encode(envelope, buffer);
    return codec.decode(buffer);
  }
}
