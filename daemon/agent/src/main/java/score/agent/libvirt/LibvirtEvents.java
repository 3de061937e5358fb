package score.agent.libvirt;

import org.libvirt.Library;
import org.libvirt.LibvirtException;

/**
 * libvirt's default event loop, once per process: it must be registered before a connection that
 * wants events is opened, and one thread must run it for events to arrive.
 */
final class LibvirtEvents {
  private static boolean started;

  private LibvirtEvents() {}

  static synchronized void start() throws LibvirtException {
    if (started) {
      return;
    }
    Library.initEventLoop();
    final Thread loop =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                try {
                  Library.processEvent();
                } catch (final LibvirtException e) {
                  System.getLogger(LibvirtEvents.class.getName())
                      .log(System.Logger.Level.WARNING, "libvirt's event loop: " + e.getMessage());
                }
              }
            },
            "score-libvirt-events");
    loop.setDaemon(true);
    loop.start();
    started = true;
  }
}
