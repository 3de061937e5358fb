package score.agent.ovs;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import score.flowtable.FlowTable;

/**
 * Polls one bridge's flow statistics into the {@link FlowTable} (S-CORE section III-C) and keeps
 * the counting rules of a {@link CountingPipeline} in place.
 *
 * <p>Every poll dumps all tables once, so one process per poll checks the pipeline and reads the
 * counters. When the ovs-vswitchd process changed (a restart restores rules with counters at zero)
 * or the pipeline vanished (a crash loses every rule), the table is told that counters restarted
 * and the pipeline is reinstalled. A failed poll is counted and retried with exponential back-off
 * up to {@code maxBackoff}; the table keeps its last good data meanwhile.
 */
public final class OvsFlowPoller {
  private static final System.Logger LOG = System.getLogger(OvsFlowPoller.class.getName());

  private final OvsSwitch ovs;
  private final String bridge;
  private final CountingPipeline pipeline;
  private final FlowTable table;
  private final LongSupplier clockMillis;
  private final OvsFlowDumpParser parser = new OvsFlowDumpParser();
  private final CountingRuleRecorder recorder;

  /** Polls on {@code ovs-ofctl} after the binary path failed, before it is tried again. */
  static final int BINARY_RETRY_POLLS = 30;

  private final OpenFlowStats binary;
  private int binaryPausedPolls;
  private volatile long binaryPolls;
  private volatile long binaryFailures;
  private long knownPid;
  private boolean ownsRules;
  private boolean firstPoll = true;

  private volatile long polls;
  private volatile long failures;
  private volatile long consecutiveFailures;
  private volatile long malformedLines;
  private volatile long pipelineInstalls;
  private volatile long countersResets;
  private volatile long lastPollNanos;
  private volatile String lastError;

  private ScheduledExecutorService executor;
  private ScheduledFuture<?> next;
  private volatile boolean running;
  private Duration interval;
  private Duration maxBackoff;

  /**
   * @param adoptExistingRules whether rules found already installed count as this poller's own, to
   *     be removed by {@link #removeRules()} (the agent adopts; a one-off CLI run does not)
   */
  public OvsFlowPoller(
      final OvsSwitch ovs,
      final String bridge,
      final CountingPipeline pipeline,
      final FlowTable table,
      final LongSupplier clockMillis,
      final boolean adoptExistingRules) {
    this(ovs, bridge, pipeline, table, clockMillis, adoptExistingRules, null);
  }

  /**
   * A poller that reads flow statistics through {@code binary} (the bridge's management socket) and
   * falls back to {@code ovs}'s text dump when that fails or the socket is missing.
   */
  public OvsFlowPoller(
      final OvsSwitch ovs,
      final String bridge,
      final CountingPipeline pipeline,
      final FlowTable table,
      final LongSupplier clockMillis,
      final boolean adoptExistingRules,
      final OpenFlowStats binary) {
    this.ovs = Objects.requireNonNull(ovs);
    this.bridge = Objects.requireNonNull(bridge);
    this.pipeline = Objects.requireNonNull(pipeline);
    this.table = Objects.requireNonNull(table);
    this.clockMillis = Objects.requireNonNull(clockMillis);
    this.ownsRules = adoptExistingRules;
    this.recorder = new CountingRuleRecorder(pipeline, table);
    this.binary = binary;
  }

  private volatile Runnable beforeEachPoll = () -> {};
  private volatile Runnable afterEachPoll = () -> {};

  /**
   * Work for the polling thread around each scheduled poll: {@code before} (applying what the ring
   * sent) and {@code after} (publishing what the ring reads), also after a failed poll. Set before
   * {@link #start}.
   */
  public void aroundEachPoll(final Runnable before, final Runnable after) {
    this.beforeEachPoll = Objects.requireNonNull(before);
    this.afterEachPoll = Objects.requireNonNull(after);
  }

  /** Polls read through the binary path, and its failures (each followed by text polls). */
  public long binaryPolls() {
    return binaryPolls;
  }

  public long binaryFailures() {
    return binaryFailures;
  }

  public String bridge() {
    return bridge;
  }

  /** One poll, on the caller's thread. Not to be mixed with a running {@link #start}. */
  public PollResult pollOnce() throws OvsException {
    final long startNanos = System.nanoTime();
    final long pid = ovs.vswitchdPid();
    boolean reset = false;
    if (pid != 0 && knownPid != 0 && pid != knownPid) {
      LOG.log(
          Level.INFO, "ovs-vswitchd restarted (pid {0} -> {1}): counters restart", knownPid, pid);
      reset = true;
    }
    if (pid != 0) {
      knownPid = pid;
    }
    if (reset) {
      table.countersReset();
    }
    int flows = -1;
    int parserMalformed = 0;
    if (binary != null && binaryPausedPolls == 0 && binary.available(bridge)) {
      // The fast path: binary flow statistics from the bridge's management socket.
      // The exchange with the switch happens before the table's lock is taken: a switch that
      // does not answer must never keep the ring's thread from reading the table.
      try {
        binary.fetch(bridge);
        recorder.reset();
        table.beginUpdate(clockMillis.getAsLong());
        try {
          flows = binary.decodeFetched(bridge, recorder);
        } finally {
          table.endUpdate();
        }
        binaryPolls++;
      } catch (final OvsException e) {
        binaryFailures++;
        binaryPausedPolls = BINARY_RETRY_POLLS;
        LOG.log(
            Level.WARNING,
            "binary flow statistics of {0} failed, using ovs-ofctl for the next {1} polls: {2}",
            bridge,
            BINARY_RETRY_POLLS,
            e.getMessage());
      }
    } else if (binaryPausedPolls > 0) {
      binaryPausedPolls--;
    }
    if (flows < 0) {
      final OvsSwitch.Dump dump = ovs.dumpFlows(bridge);
      recorder.reset();
      table.beginUpdate(clockMillis.getAsLong());
      try {
        parser.parse(dump.bytes(), dump.length(), recorder);
      } finally {
        table.endUpdate();
      }
      flows = parser.flows();
      parserMalformed = parser.malformed();
    }
    final int malformed = parserMalformed + recorder.unexpected();
    if (malformed > 0) {
      malformedLines += malformed;
      LOG.log(
          Level.WARNING,
          "{0} malformed lines in the flow dump of {1}; first: {2}",
          malformed,
          bridge,
          parserMalformed > 0 && parser.firstError() != null
              ? parser.firstError()
              : "learned rule without a 5-tuple");
    }
    boolean installed = false;
    if (recorder.pipelineRules() < pipeline.ruleCount()) {
      ovs.addFlows(bridge, pipeline.rules());
      installed = true;
      pipelineInstalls++;
      if (firstPoll) {
        ownsRules = true;
      } else {
        // Our rules were gone, so every learned rule went with them.
        LOG.log(Level.WARNING, "counting rules missing on {0}: reinstalled", bridge);
        table.countersReset();
        reset = true;
      }
    }
    if (reset) {
      countersResets++;
    }
    firstPoll = false;
    final long duration = System.nanoTime() - startNanos;
    lastPollNanos = duration;
    polls++;
    consecutiveFailures = 0;
    return new PollResult(flows, recorder.flowsObserved(), malformed, installed, reset, duration);
  }

  /**
   * Polls every {@code interval} on {@code executor} until {@link #stop}, backing off on errors.
   */
  public synchronized void start(
      final ScheduledExecutorService executor, final Duration interval, final Duration maxBackoff) {
    if (running) {
      throw new IllegalStateException("poller already running");
    }
    this.executor = executor;
    this.interval = interval;
    this.maxBackoff = maxBackoff;
    running = true;
    next = executor.schedule(this::runScheduled, 0, TimeUnit.MILLISECONDS);
  }

  private void runScheduled() {
    final long startNanos = System.nanoTime();
    long delayMillis;
    try {
      beforeEachPoll.run();
      pollOnce();
      // Fixed rate: the next poll starts one interval after this one started.
      delayMillis = Math.max(0, interval.toMillis() - (System.nanoTime() - startNanos) / 1_000_000);
    } catch (final OvsException | RuntimeException e) {
      failures++;
      consecutiveFailures++;
      final String message = e.getMessage();
      if (!Objects.equals(message, lastError) || consecutiveFailures % 30 == 1) {
        LOG.log(
            Level.WARNING,
            "poll of {0} failed ({1} in a row): {2}",
            bridge,
            consecutiveFailures,
            message);
      }
      lastError = message;
      delayMillis = OvsFlowPollerBackoff.millis(interval, maxBackoff, consecutiveFailures);
    }
    try {
      afterEachPoll.run();
    } catch (final RuntimeException e) {
      LOG.log(Level.WARNING, "publishing the poll of {0} failed: {1}", bridge, e.toString());
    }
    synchronized (this) {
      if (running) {
        next = executor.schedule(this::runScheduled, delayMillis, TimeUnit.MILLISECONDS);
      }
    }
  }

  /** Stops the schedule started by {@link #start}; a poll in progress finishes first. */
  public void stop() {
    final ScheduledFuture<?> pending;
    synchronized (this) {
      running = false;
      pending = next;
    }
    if (pending != null) {
      pending.cancel(false);
    }
  }

  /** Removes the agent's rules if this poller installed or adopted them; returns whether it did. */
  public boolean removeRules() throws OvsException {
    if (!ownsRules) {
      return false;
    }
    ovs.deleteFlows(bridge, CountingPipeline.allAgentRules());
    ownsRules = false;
    return true;
  }

  public PollerStats stats() {
    return new PollerStats(
        polls,
        failures,
        consecutiveFailures,
        malformedLines,
        pipelineInstalls,
        countersResets,
        lastPollNanos,
        lastError);
  }
}
