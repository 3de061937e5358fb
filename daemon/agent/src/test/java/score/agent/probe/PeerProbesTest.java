package score.agent.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import score.core.decision.CapacityLedger;
import score.core.port.Hypervisor;
import score.core.port.ProbeAnswers;
import score.protocol.Envelope;
import score.protocol.Message;

/**
 * Both sides of the probes on one host (1) with a recording transport: a location request goes as a
 * datagram to the VM's address, the answer counts for the host that sent it and only once; a
 * capacity answer must come from the host asked; a host answers for its own VMs only and promises
 * its room; announcements reach every peer.
 */
class PeerProbesTest {
  private static final int VM_HERE = 0x0AD20101;
  private static final int VM_THERE = 0x0AD20102;
  private static final long GIB = 1L << 30;

  private final List<Object[]> sent = new ArrayList<>();
  private final List<String> heard = new ArrayList<>();
  private long now = 1_000_000_000L;

  private PeerProbes probes() {
    return new PeerProbes(
        1,
        7400,
        new PeerProbes.Transport() {
          @Override
          public void send(final int hostId, final Message message) {
            sent.add(new Object[] {hostId, message});
          }

          @Override
          public void sendDatagram(final InetSocketAddress to, final Message message) {
            sent.add(new Object[] {to, message});
          }
        },
        new PeerProbes.Local() {
          @Override
          public Set<Integer> vms() {
            return Set.of(VM_HERE);
          }

          @Override
          public Hypervisor.Room room() {
            return new Hypervisor.Room(1, 2 * GIB);
          }
        },
        new CapacityLedger(10_000_000_000L, 8),
        () -> now,
        4_000_000_000L,
        16);
  }

  private final ProbeAnswers answers =
      new ProbeAnswers() {
        @Override
        public void located(final long requestId, final int vmId, final int hostId) {
          heard.add("located " + requestId + " " + Integer.toHexString(vmId) + " on " + hostId);
        }

        @Override
        public void capacity(
            final long requestId, final int hostId, final int freeSlots, final long memory) {
          heard.add("capacity " + requestId + " of " + hostId + ": " + freeSlots);
        }
      };

  @Test
  void aLocationAnswerShouldCountForItsSenderOnce() {
    final PeerProbes probes = probes();
    probes.locate(7, VM_HERE, answers);
    assertEquals(List.of("located 7 ad20101 on 1"), heard, "a VM here is answered at once");
    probes.locate(7, VM_THERE, answers);
    final Object[] datagram = sent.get(0);
    assertEquals(new InetSocketAddress("10.210.1.2", 7400), datagram[0], "to the VM's address");
    final long wire = ((Message.LocationRequest) datagram[1]).requestId();
    // An answer for another VM, and one claiming another host in its payload:
    probes.handle(new Envelope(3, 0, new Message.LocationResponse(wire, VM_HERE, true, 3, 0, 0)));
    probes.handle(new Envelope(3, 0, new Message.LocationResponse(wire, VM_THERE, true, 9, 0, 0)));
    probes.handle(new Envelope(4, 0, new Message.LocationResponse(wire, VM_THERE, true, 4, 0, 0)));
    assertEquals(
        List.of("located 7 ad20101 on 1", "located 7 ad20102 on 3"),
        heard,
        "the authenticated sender counts, once");
    assertEquals(2, probes.counts().answersIgnored());
  }

  @Test
  void aCapacityAnswerShouldComeFromTheHostAsked() {
    final PeerProbes probes = probes();
    probes.askCapacity(5, 3, GIB, answers);
    final long wire = ((Message.CapacityRequest) sent.get(0)[1]).requestId();
    assertEquals(3, sent.get(0)[0]);
    probes.handle(new Envelope(4, 0, new Message.CapacityResponse(wire, 9, 9 * GIB)));
    assertEquals(List.of(), heard, "host 4 was not asked");
    probes.handle(new Envelope(3, 0, new Message.CapacityResponse(wire, 2, 4 * GIB)));
    assertEquals(List.of("capacity 5 of 3: 2"), heard);
  }

  @Test
  void requestsShouldBeAnsweredForOwnVmsAndRoomPromised() {
    final PeerProbes probes = probes();
    probes.handle(new Envelope(2, 0, new Message.LocationRequest(11, VM_THERE)));
    assertEquals(0, sent.size(), "not ours: silence");
    probes.handle(new Envelope(2, 0, new Message.LocationRequest(12, VM_HERE)));
    assertEquals(new Message.LocationResponse(12, VM_HERE, true, 1, 0, 0), sent.get(0)[1], "ours");
    probes.handle(new Envelope(2, 0, new Message.CapacityRequest(13, GIB)));
    assertEquals(new Message.CapacityResponse(13, 1, 2 * GIB), sent.get(1)[1]);
    probes.handle(new Envelope(3, 0, new Message.CapacityRequest(14, GIB)));
    assertEquals(
        new Message.CapacityResponse(14, 0, GIB), sent.get(2)[1], "the one slot is promised to 2");
  }

  @Test
  void announcementsShouldReachEveryPeerAndBeHeard() {
    final PeerProbes probes = probes();
    final List<String> announced = new ArrayList<>();
    probes.onAnnouncements((vm, host) -> announced.add(Integer.toHexString(vm) + "@" + host));
    probes.announce(VM_HERE, 3, List.of(1, 2, 3));
    assertEquals(2, sent.size(), "to the peers, not to itself");
    probes.handle(new Envelope(2, 0, new Message.LocationResponse(0, VM_THERE, true, 4, 0, 0)));
    probes.handle(new Envelope(2, 0, new Message.LocationResponse(0, VM_THERE, false, 0, 0, 0)));
    assertEquals(List.of("ad20102@4", "ad20102@-1"), announced);
    assertTrue(probes.pending() == 0);
  }
}
