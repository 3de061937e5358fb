package score.flowtable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.StampedLock;

/**
 * The host's own table of TCP and UDP flow statistics (S-CORE section III-C): per flow the 5-tuple,
 * bytes and packets on the wire, the start of its counted history and when it was last seen, plus
 * the MAC address of each source IP. It keeps a flow's history after Open vSwitch expires the rule,
 * until a decision for one of its VMs {@linkplain #consume consumes} it.
 *
 * <h2>Layout</h2>
 *
 * <p>Records are dense: {@value #RECORD_LONGS} longs per flow in one array, so an update touches
 * one or two cache lines and nothing is boxed. A separate power-of-two {@code int[]} index maps a
 * key's hash to its record by linear probing. About 59 retained bytes per flow at a million flows
 * (48 for the record, 8 for the index at load ≤ 0.6, the rest is growth slack).
 *
 * <h2>Counters</h2>
 *
 * <p>The poller reports OVS's cumulative counters for the rule that currently carries a flow. The
 * table keeps the last such counter and adds only the difference, so repeated reports never count
 * twice. A rule created after the table last saw the flow (its age is shorter than the time since),
 * a counter that went down, or a {@link #countersReset()} after an OVS restart start a new rule
 * incarnation, whose whole counter is added: history is neither lost nor negative nor doubled.
 *
 * <h2>Bounds</h2>
 *
 * <p>At most {@code maxFlows} records. An insert into a full table first drops the records that
 * were consumed and are no longer live in OVS, then, if that freed less than a sixteenth of the
 * table, evicts the records seen longest ago until a sixteenth is free. Evictions are counted.
 *
 * <h2>Threads</h2>
 *
 * <p>One writer (the poller) brackets its updates with {@link #beginUpdate} and {@link #endUpdate};
 * any number of readers may call the query methods concurrently, they wait at most for one update
 * batch.
 */
public final class FlowTable {
  /** Words per record; see the {@code W_} offsets. */
  static final int RECORD_LONGS = 6;

  /** {@code srcIp << 32 | dstIp}, both as unsigned 32-bit values. */
  private static final int W_IPS = 0;

  /**
   * {@code proto << 56 | srcPort << 40 | dstPort << 24 | packetCounterLow24}: the upper 40 bits are
   * the rest of the key, the low 24 bits the low bits of the OVS packet counter last seen (enough
   * for a difference while a flow carries fewer than 2^24 packets between two polls).
   */
  private static final int W_KEY = 1;

  private static final int W_BYTES = 2;
  private static final int W_PACKETS = 3;

  /** OVS byte counter of the current rule incarnation when last seen. */
  private static final int W_RAW_BYTES = 4;

  /** {@code startTick << 32 | lastSeenTick}. */
  private static final int W_TIMES = 5;

  private static final long PACKET_LOW_MASK = (1L << 24) - 1;
  private static final long KEY_MASK = ~PACKET_LOW_MASK;

  /** Resolution of stored times: 100 ms; a signed 32-bit tick count lasts 6.8 years. */
  public static final long TICK_MILLIS = 100;

  /**
   * Slack when comparing a rule's age with the time since the flow was last seen: two ticks of
   * rounding plus the delay between dump and update.
   */
  private static final long INCARNATION_SLACK_MILLIS = 2 * TICK_MILLIS;

  /** Rates are computed over at least this window, so a new flow does not show a huge rate. */
  public static final long MIN_RATE_WINDOW_MILLIS = 1_000;

  private static final float INDEX_MAX_LOAD = 0.6f;
  private static final int MIN_RECORD_CAPACITY = 1024;
  private static final int UNKNOWN_TICK = -1;

  private final int maxFlows;
  private final StampedLock lock = new StampedLock();
  private final IntLongHashMap macBySourceIp = new IntLongHashMap(-1L);

  private long[] records;
  private int recordCapacity;
  private int[] index;
  private int size;

  private long baseMillis;
  private long updateStamp;
  private int nowTick = UNKNOWN_TICK;
  private int lastUpdateTick = UNKNOWN_TICK;
  private int resetTick = UNKNOWN_TICK;

  private long inserts;
  private long evictions;
  private long removedAfterConsume;
  private long incarnations;
  private int[] evictionScratch;

  /** Observations buffered for {@link #applyPending}; see there. */
  private static final int BATCH = 16;

  private final long[] pendingIps = new long[BATCH];
  private final long[] pendingKeys = new long[BATCH];
  private final long[] pendingBytes = new long[BATCH];
  private final long[] pendingPackets = new long[BATCH];
  private final long[] pendingAges = new long[BATCH];
  private final int[] pendingSlots = new int[BATCH];
  private final int[] pendingEntries = new int[BATCH];
  private int pendingCount;

  /** Written so the prefetching loads are not optimised away. */
  @SuppressWarnings("unused")
  private long prefetchSink;

  /**
   * @param maxFlows the most records the table holds before it evicts
   * @param originMillis a time on the caller's clock no later than any it will pass
   */
  public FlowTable(final int maxFlows, final long originMillis) {
    if (maxFlows < 16 || maxFlows > (1 << 28)) {
      throw new IllegalArgumentException("maxFlows must be in [16, 2^28]: " + maxFlows);
    }
    this.maxFlows = maxFlows;
    this.baseMillis = originMillis;
    this.recordCapacity = Math.min(maxFlows, MIN_RECORD_CAPACITY);
    this.records = new long[recordCapacity * RECORD_LONGS];
    this.index = new int[Hashing.capacityFor(recordCapacity, INDEX_MAX_LOAD)];
  }

  public int maxFlows() {
    return maxFlows;
  }

  // ---------------------------------------------------------------- writer

  /** Starts a batch of observations made at {@code nowMillis}; the writer thread only. */
  public void beginUpdate(final long nowMillis) {
    final long stamp = lock.writeLock();
    if (updateStamp != 0) {
      lock.unlockWrite(stamp);
      throw new IllegalStateException("beginUpdate called twice without endUpdate");
    }
    updateStamp = stamp;
    nowTick = toTick(nowMillis);
  }

  /** Ends the batch begun by {@link #beginUpdate}: the flows seen in it are now the live ones. */
  public void endUpdate() {
    requireUpdating();
    applyPending();
    lastUpdateTick = nowTick;
    final long stamp = updateStamp;
    updateStamp = 0;
    lock.unlockWrite(stamp);
  }

  /**
   * Records OVS's cumulative counters for one flow, inside an update batch. Allocates nothing
   * unless the table grows.
   *
   * @param ruleAgeMillis how long the OVS rule that counts this flow has existed ({@code
   *     duration=})
   */
  public void observe(
      final int srcIp,
      final int dstIp,
      final int protocol,
      final int srcPort,
      final int dstPort,
      final long counterBytes,
      final long counterPackets,
      final long ruleAgeMillis) {
    requireUpdating();
    if (counterBytes < 0 || counterPackets < 0 || ruleAgeMillis < 0) {
      throw new IllegalArgumentException(
          "negative counter: bytes=" + counterBytes + " packets=" + counterPackets);
    }
    final int at = pendingCount;
    pendingIps[at] = packIps(srcIp, dstIp);
    pendingKeys[at] = packKey(protocol, srcPort, dstPort);
    pendingBytes[at] = counterBytes;
    pendingPackets[at] = counterPackets;
    pendingAges[at] = ruleAgeMillis;
    pendingCount = at + 1;
    if (pendingCount == BATCH) {
      applyPending();
    }
  }

  /**
   * Applies the buffered observations in two passes, group prefetching as in Chen et al.,
   * "Improving Hash Join Performance through Prefetching" (ICDE 2004): the first pass only loads
   * each observation's index slot and record, independent loads the CPU overlaps, so the second
   * pass, which does the work, finds them in cache instead of waiting for memory once per flow.
   */
  private void applyPending() {
    final int count = pendingCount;
    final int[] index = this.index;
    final long[] records = this.records;
    final int mask = index.length - 1;
    for (int i = 0; i < count; i++) {
      final int slot = Hashing.slot(hash(pendingIps[i], pendingKeys[i]), mask);
      pendingSlots[i] = slot;
      pendingEntries[i] = index[slot];
    }
    long touched = 0;
    for (int i = 0; i < count; i++) {
      final int entry = pendingEntries[i];
      if (entry != 0) {
        touched += records[(entry - 1) * RECORD_LONGS + W_TIMES];
      }
    }
    prefetchSink = touched;
    for (int i = 0; i < count; i++) {
      final long ips = pendingIps[i];
      final long key = pendingKeys[i];
      // An insert earlier in the batch may have grown the index, making the home slot stale.
      final int homeSlot =
          this.index == index
              ? pendingSlots[i]
              : Hashing.slot(hash(ips, key), this.index.length - 1);
      apply(ips, key, find(ips, key, homeSlot), pendingBytes[i], pendingPackets[i], pendingAges[i]);
    }
    pendingCount = 0;
  }

  /** One observation of {@code ips, key}, whose record is {@code record} or -1 if new. */
  private void apply(
      final long ips,
      final long key,
      final int record,
      final long counterBytes,
      final long counterPackets,
      final long ruleAgeMillis) {
    final long[] records = this.records;
    final int now = nowTick;
    if (record >= 0) {
      final int base = record * RECORD_LONGS;
      final long times = records[base + W_TIMES];
      final int lastSeen = (int) times;
      final long storedRaw = records[base + W_RAW_BYTES];
      final long keyWord = records[base + W_KEY];
      final long sinceSeenMillis = (long) (now - lastSeen) * TICK_MILLIS;
      final boolean newIncarnation =
          lastSeen < resetTick
              || counterBytes < storedRaw
              || ruleAgeMillis + INCARNATION_SLACK_MILLIS < sinceSeenMillis;
      final long bytesDelta;
      final long packetsDelta;
      if (newIncarnation) {
        bytesDelta = counterBytes;
        packetsDelta = counterPackets;
        incarnations++;
      } else {
        bytesDelta = counterBytes - storedRaw;
        packetsDelta = (counterPackets - keyWord) & PACKET_LOW_MASK;
      }
      records[base + W_BYTES] += bytesDelta;
      records[base + W_PACKETS] += packetsDelta;
      records[base + W_RAW_BYTES] = counterBytes;
      records[base + W_KEY] = key | (counterPackets & PACKET_LOW_MASK);
      records[base + W_TIMES] = (times & 0xFFFF_FFFF_0000_0000L) | (now & 0xFFFF_FFFFL);
      return;
    }
    final long startMillis = Math.max(0, (long) now * TICK_MILLIS - ruleAgeMillis);
    insert(ips, key, counterBytes, counterPackets, (int) (startMillis / TICK_MILLIS), now);
  }

  /** Remembers the MAC address (48 bits) seen as the source of {@code ip}'s frames. */
  public void observeSourceMac(final int ip, final long mac) {
    requireUpdating();
    if (mac < 0 || mac > 0xFFFF_FFFF_FFFFL) {
      throw new IllegalArgumentException("not a 48-bit MAC: " + mac);
    }
    macBySourceIp.put(ip, mac);
  }

  /**
   * Declares that every OVS counter restarted (ovs-vswitchd restarted or lost its flows): the next
   * observation of each flow starts a new rule incarnation.
   */
  public void countersReset() {
    final long stamp = lock.writeLock();
    try {
      resetTick = Math.max(lastUpdateTick, 0) + 1;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /**
   * A decision for the VM {@code ip} has used its history: every flow to or from it starts a new
   * window at {@code nowMillis} with zero bytes, and flows no longer live in OVS are removed.
   *
   * @return how many flows were consumed
   */
  public int consume(final int ip, final long nowMillis) {
    final long stamp = lock.writeLock();
    try {
      final int now = toTick(nowMillis);
      int consumed = 0;
      for (int record = size - 1; record >= 0; record--) {
        final int base = record * RECORD_LONGS;
        final long ips = records[base + W_IPS];
        if ((int) (ips >>> 32) != ip && (int) ips != ip) {
          continue;
        }
        consumed++;
        if ((int) records[base + W_TIMES] < lastUpdateTick) {
          removeRecord(record);
          removedAfterConsume++;
        } else {
          records[base + W_BYTES] = 0;
          records[base + W_PACKETS] = 0;
          records[base + W_TIMES] = ((long) now << 32) | (records[base + W_TIMES] & 0xFFFF_FFFFL);
        }
      }
      return consumed;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  // ---------------------------------------------------------------- readers

  public int size() {
    final long stamp = lock.readLock();
    try {
      return size;
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** The MAC last seen for source {@code ip}, or -1. */
  public long sourceMac(final int ip) {
    final long stamp = lock.readLock();
    try {
      return macBySourceIp.get(ip);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /**
   * The source IP last seen with {@code mac}, or 0: how the agent learns a VM's address from its
   * traffic (S-CORE section III-C), where the host's ARP table has never seen the VM. A scan of the
   * per-source MACs, one per VM: called when a VM appears, not per packet.
   */
  public int sourceIpOfMac(final long mac) {
    final long stamp = lock.readLock();
    try {
      final int[] found = {0};
      macBySourceIp.forEach(
          (ip, seen) -> {
            if (seen == mac) {
              found[0] = ip;
            }
          });
      return found[0];
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** Counters of the table's own bookkeeping. */
  public FlowTableStats stats() {
    final long stamp = lock.readLock();
    try {
      return new FlowTableStats(
          size, maxFlows, inserts, evictions, removedAfterConsume, incarnations);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /**
   * Calls {@code visitor} for every flow under the read lock: keep it short and do not call back
   * into the table.
   */
  public void forEachFlow(final FlowVisitor visitor) {
    final long stamp = lock.readLock();
    try {
      for (int record = 0; record < size; record++) {
        final int base = record * RECORD_LONGS;
        final long ips = records[base + W_IPS];
        final long key = records[base + W_KEY];
        final long times = records[base + W_TIMES];
        visitor.accept(
            (int) (ips >>> 32),
            (int) ips,
            (int) (key >>> 56),
            (int) (key >>> 40) & 0xFFFF,
            (int) (key >>> 24) & 0xFFFF,
            records[base + W_BYTES],
            records[base + W_PACKETS],
            toMillis((int) (times >>> 32)),
            toMillis((int) times));
      }
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /**
   * λ(ip, z) for every neighbour z of {@code ip}: both directions merged, over the window since the
   * earliest counted start of their flows. Sorted by descending bytes.
   */
  public List<PairAggregate> pairsOf(final int ip, final long nowMillis) {
    final Map<Integer, PairAccumulator> byNeighbour = new HashMap<>();
    forEachFlow(
        (src, dst, proto, sport, dport, bytes, packets, start, lastSeen) -> {
          final int neighbour;
          if (src == ip) {
            neighbour = dst;
          } else if (dst == ip) {
            neighbour = src;
          } else {
            return;
          }
          byNeighbour
              .computeIfAbsent(neighbour, n -> new PairAccumulator(ip, n))
              .add(bytes, packets, start, lastSeen);
        });
    return finish(byNeighbour.values(), nowMillis);
  }

  /**
   * λ(u, v) for every pair of IPs in the table, both directions merged, the smaller address (as an
   * unsigned number) first. Sorted by descending bytes.
   */
  public List<PairAggregate> pairs(final long nowMillis) {
    final Map<Long, PairAccumulator> byPair = new HashMap<>();
    forEachFlow(
        (src, dst, proto, sport, dport, bytes, packets, start, lastSeen) -> {
          final boolean srcFirst = Integer.compareUnsigned(src, dst) <= 0;
          final int a = srcFirst ? src : dst;
          final int b = srcFirst ? dst : src;
          byPair
              .computeIfAbsent(packIps(a, b), k -> new PairAccumulator(a, b))
              .add(bytes, packets, start, lastSeen);
        });
    return finish(byPair.values(), nowMillis);
  }

  private static List<PairAggregate> finish(
      final Iterable<PairAccumulator> accumulators, final long nowMillis) {
    final List<PairAggregate> result = new ArrayList<>();
    for (final PairAccumulator accumulator : accumulators) {
      result.add(accumulator.toAggregate(nowMillis));
    }
    result.sort((x, y) -> Long.compare(y.bytes(), x.bytes()));
    return result;
  }

  // ---------------------------------------------------------------- internals

  private void requireUpdating() {
    if (updateStamp == 0) {
      throw new IllegalStateException("observe outside beginUpdate/endUpdate");
    }
  }

  private int toTick(final long millis) {
    long tick = Math.floorDiv(millis - baseMillis, TICK_MILLIS);
    if (tick < 0) {
      throw new IllegalArgumentException(
          "time " + millis + " ms is before the table's origin " + baseMillis + " ms");
    }
    if (tick >= Integer.MAX_VALUE / 2) {
      rebase((int) (tick / 2));
      tick = Math.floorDiv(millis - baseMillis, TICK_MILLIS);
    }
    return (int) tick;
  }

  private long toMillis(final int tick) {
    return baseMillis + tick * TICK_MILLIS;
  }

  /** Moves the origin forward by {@code shiftTicks} (after years of uptime); clamps at zero. */
  private void rebase(final int shiftTicks) {
    baseMillis += shiftTicks * TICK_MILLIS;
    for (int record = 0; record < size; record++) {
      final int base = record * RECORD_LONGS;
      final long times = records[base + W_TIMES];
      final int start = Math.max(0, (int) (times >>> 32) - shiftTicks);
      final int lastSeen = Math.max(0, (int) times - shiftTicks);
      records[base + W_TIMES] = ((long) start << 32) | (lastSeen & 0xFFFF_FFFFL);
    }
    lastUpdateTick = lastUpdateTick < 0 ? lastUpdateTick : Math.max(0, lastUpdateTick - shiftTicks);
    resetTick = resetTick < 0 ? resetTick : Math.max(0, resetTick - shiftTicks);
  }

  static long packIps(final int srcIp, final int dstIp) {
    return ((long) srcIp << 32) | (dstIp & 0xFFFF_FFFFL);
  }

  static long packKey(final int protocol, final int srcPort, final int dstPort) {
    if ((protocol & ~0xFF) != 0 || (srcPort & ~0xFFFF) != 0 || (dstPort & ~0xFFFF) != 0) {
      throw new IllegalArgumentException(
          "bad flow key: protocol=" + protocol + " srcPort=" + srcPort + " dstPort=" + dstPort);
    }
    return ((long) protocol << 56) | ((long) srcPort << 40) | ((long) dstPort << 24);
  }

  private static long hash(final long ips, final long key) {
    return Hashing.mix(ips * 31 + key);
  }

  /** Record number of the flow, or -1; the search starts at {@code homeSlot}. */
  private int find(final long ips, final long key, final int homeSlot) {
    final int[] index = this.index;
    final long[] records = this.records;
    final int mask = index.length - 1;
    int slot = homeSlot;
    int entry;
    while ((entry = index[slot]) != 0) {
      final int base = (entry - 1) * RECORD_LONGS;
      if (records[base + W_IPS] == ips && (records[base + W_KEY] & KEY_MASK) == key) {
        return entry - 1;
      }
      slot = (slot + 1) & mask;
    }
    return -1;
  }

  private void insert(
      final long ips,
      final long key,
      final long counterBytes,
      final long counterPackets,
      final int startTick,
      final int now) {
    if (size == maxFlows) {
      makeRoom();
    }
    if (size == recordCapacity) {
      growRecords();
    }
    final int record = size++;
    final int base = record * RECORD_LONGS;
    records[base + W_IPS] = ips;
    records[base + W_KEY] = key | (counterPackets & PACKET_LOW_MASK);
    records[base + W_BYTES] = counterBytes;
    records[base + W_PACKETS] = counterPackets;
    records[base + W_RAW_BYTES] = counterBytes;
    records[base + W_TIMES] = ((long) startTick << 32) | (now & 0xFFFF_FFFFL);
    indexInsert(record);
    inserts++;
  }

  private void indexInsert(final int record) {
    final int base = record * RECORD_LONGS;
    final int mask = index.length - 1;
    int slot = Hashing.slot(hash(records[base + W_IPS], records[base + W_KEY] & KEY_MASK), mask);
    while (index[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    index[slot] = record + 1;
  }

  /** Index slot that points at {@code record}. */
  private int slotOf(final int record) {
    final int base = record * RECORD_LONGS;
    final int mask = index.length - 1;
    int slot = Hashing.slot(hash(records[base + W_IPS], records[base + W_KEY] & KEY_MASK), mask);
    while (index[slot] != record + 1) {
      if (index[slot] == 0) {
        throw new IllegalStateException("record " + record + " missing from index");
      }
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  /** Removes a record: compacts its probe chain and moves the last record into its place. */
  private void removeRecord(final int record) {
    indexDelete(slotOf(record));
    final int last = size - 1;
    if (record != last) {
      final int lastSlot = slotOf(last);
      System.arraycopy(records, last * RECORD_LONGS, records, record * RECORD_LONGS, RECORD_LONGS);
      index[lastSlot] = record + 1;
    }
    size--;
  }

  private void indexDelete(final int deletedSlot) {
    final int[] index = this.index;
    final int mask = index.length - 1;
    index[deletedSlot] = 0;
    int hole = deletedSlot;
    int slot = (deletedSlot + 1) & mask;
    int entry;
    while ((entry = index[slot]) != 0) {
      final int base = (entry - 1) * RECORD_LONGS;
      final int home =
          Hashing.slot(hash(records[base + W_IPS], records[base + W_KEY] & KEY_MASK), mask);
      if (Hashing.mayFillHole(hole, home, slot)) {
        index[hole] = entry;
        index[slot] = 0;
        hole = slot;
      }
      slot = (slot + 1) & mask;
    }
  }

  private void growRecords() {
    final int newCapacity = (int) Math.min(maxFlows, (long) recordCapacity * 2);
    records = Arrays.copyOf(records, newCapacity * RECORD_LONGS);
    recordCapacity = newCapacity;
    final int indexCapacity = Hashing.capacityFor(newCapacity, INDEX_MAX_LOAD);
    if (indexCapacity != index.length) {
      index = new int[indexCapacity];
      for (int record = 0; record < size; record++) {
        indexInsert(record);
      }
    }
  }

  /** The eviction rule of the class comment. */
  private void makeRoom() {
    final int target = maxFlows - Math.max(1, maxFlows / 16);
    for (int record = size - 1; record >= 0; record--) {
      final int base = record * RECORD_LONGS;
      final boolean live = (int) records[base + W_TIMES] >= lastUpdateTick;
      if (!live && records[base + W_BYTES] == 0) {
        removeRecord(record);
        removedAfterConsume++;
      }
    }
    if (size <= target) {
      return;
    }
    if (evictionScratch == null || evictionScratch.length < size) {
      evictionScratch = new int[maxFlows];
    }
    for (int record = 0; record < size; record++) {
      evictionScratch[record] = (int) records[record * RECORD_LONGS + W_TIMES];
    }
    final int toEvict = size - target;
    Arrays.sort(evictionScratch, 0, size);
    final int threshold = evictionScratch[toEvict - 1];
    int evicted = 0;
    for (int record = size - 1; record >= 0 && evicted < toEvict; record--) {
      if ((int) records[record * RECORD_LONGS + W_TIMES] <= threshold) {
        removeRecord(record);
        evicted++;
      }
    }
    evictions += evicted;
  }

  /** Sums one pair's flows. */
  private static final class PairAccumulator {
    private final int ipA;
    private final int ipB;
    private long bytes;
    private long packets;
    private int flows;
    private long windowStartMillis = Long.MAX_VALUE;
    private long lastSeenMillis = Long.MIN_VALUE;

    PairAccumulator(final int ipA, final int ipB) {
      this.ipA = ipA;
      this.ipB = ipB;
    }

    void add(final long bytes, final long packets, final long start, final long lastSeen) {
      this.bytes += bytes;
      this.packets += packets;
      this.flows++;
      this.windowStartMillis = Math.min(windowStartMillis, start);
      this.lastSeenMillis = Math.max(lastSeenMillis, lastSeen);
    }

    PairAggregate toAggregate(final long nowMillis) {
      final long windowMillis = Math.max(MIN_RATE_WINDOW_MILLIS, nowMillis - windowStartMillis);
      return new PairAggregate(
          ipA,
          ipB,
          bytes,
          packets,
          flows,
          windowStartMillis,
          lastSeenMillis,
          bytes * 1000.0 / windowMillis);
    }
  }
}
