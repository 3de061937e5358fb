/*
 * The test guest's only program (PID 1's child): dirties memory at a configured rate, sends UDP to
 * configured peers at a configured rate, counts what it receives, and prints a heartbeat line to
 * the serial console every second. A migration succeeded only if the heartbeat continues on the
 * destination with the same boot id, a sequence without a reset, and bad=0.
 *
 * Parameters come from the kernel command line (tb.NAME=VALUE):
 *   tb.mem=MiB        size of the buffer it dirties (default 40)
 *   tb.dirty=N        pages (4 KiB) rewritten per second (default 0), in a sweep through the
 *                     buffer: every page written is a new one until the sweep wraps (after
 *                     mem/dirty seconds), which is what the pre-copy model assumes of a dirty rate
 *   tb.peers=A:P,...  UDP destinations (IPv4:port)
 *   tb.kbps=N         rate to each peer in kbit/s (default 0: send nothing)
 *   tb.port=P         UDP port it listens on and counts (default 9000)
 *
 * Each page starts with a stamp (its index and how often it was written); a page whose stamp is
 * not the one last written is counted in bad= (memory that a migration lost or corrupted).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096
#define MAX_PEERS 16
#define DATAGRAM 1000

static char cmdline[4096];

static const char *param(const char *name) {
  char key[64];
  snprintf(key, sizeof key, "tb.%s=", name);
  for (char *at = cmdline; (at = strstr(at, key)) != NULL; at++) {
    if (at == cmdline || at[-1] == ' ') {
      return at + strlen(key);
    }
  }
  return NULL;
}

static long param_long(const char *name, long fallback) {
  const char *value = param(name);
  return value ? strtol(value, NULL, 10) : fallback;
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t rng_state;

static uint64_t next_random(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

int main(void) {
  int fd = open("/proc/cmdline", O_RDONLY);
  if (fd >= 0) {
    ssize_t n = read(fd, cmdline, sizeof cmdline - 1);
    cmdline[n > 0 ? n : 0] = '\0';
    close(fd);
  }
  const long mib = param_long("mem", 40);
  const long dirty_per_second = param_long("dirty", 0);
  const long kbps = param_long("kbps", 0);
  const int port = (int)param_long("port", 9000);

  rng_state = now_ns() ^ ((uint64_t)getpid() << 32) ^ 0x9E3779B97F4A7C15ull;
  const uint32_t boot = (uint32_t)next_random();

  const size_t pages = (size_t)mib * 1024 * 1024 / PAGE;
  uint8_t *buffer = malloc(pages * PAGE);
  uint32_t *generation = calloc(pages, sizeof *generation);
  if (buffer == NULL || generation == NULL) {
    printf("score-hb error=no-memory mib=%ld\n", mib);
    return 1;
  }
  for (size_t p = 0; p < pages; p++) {
    uint64_t *words = (uint64_t *)(buffer + p * PAGE);
    for (size_t w = 0; w < PAGE / 8; w++) {
      words[w] = next_random();
    }
    words[0] = ((uint64_t)p << 32);
  }

  struct sockaddr_in peers[MAX_PEERS];
  int peer_count = 0;
  const char *list = param("peers");
  while (list != NULL && *list != '\0' && *list != ' ' && peer_count < MAX_PEERS) {
    char address[64];
    int length = (int)strcspn(list, ", ");
    if (length >= (int)sizeof address) {
      break;
    }
    memcpy(address, list, length);
    address[length] = '\0';
    char *colon = strchr(address, ':');
    if (colon != NULL) {
      *colon = '\0';
      memset(&peers[peer_count], 0, sizeof peers[0]);
      peers[peer_count].sin_family = AF_INET;
      peers[peer_count].sin_port = htons((uint16_t)atoi(colon + 1));
      if (inet_pton(AF_INET, address, &peers[peer_count].sin_addr) == 1) {
        peer_count++;
      }
    }
    list += length;
    if (*list == ',') {
      list++;
    }
  }

  int sock = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in local = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  local.sin_addr.s_addr = htonl(INADDR_ANY);
  if (sock < 0 || bind(sock, (struct sockaddr *)&local, sizeof local) != 0) {
    printf("score-hb error=socket errno=%d\n", errno);
  }

  char datagram[DATAGRAM];
  memset(datagram, 'S', sizeof datagram);
  const uint64_t slice_ns = 10000000ull; /* 10 ms */
  const uint64_t start = now_ns();
  uint64_t next_slice = start;
  uint64_t next_beat = start + 1000000000ull;
  uint64_t sequence = 0, dirtied = 0, bad = 0, sent = 0, received = 0, send_errors = 0;
  double dirty_credit = 0, send_credit = 0;
  size_t cursor = 0;
  const double datagrams_per_slice =
      (double)kbps * 1000.0 / 8.0 / DATAGRAM * ((double)slice_ns / 1e9);

  for (;;) {
    const uint64_t now = now_ns();
    if (now < next_slice) {
      struct timespec pause = {0, (long)(next_slice - now)};
      nanosleep(&pause, NULL);
      continue;
    }
    next_slice += slice_ns;
    if (next_slice < now) {
      next_slice = now + slice_ns; /* fell behind (a paused guest): do not burst */
    }
    dirty_credit += (double)dirty_per_second * ((double)slice_ns / 1e9);
    for (; dirty_credit >= 1 && pages > 0; dirty_credit -= 1) {
      cursor = (cursor + 1) % pages;
      uint64_t *words = (uint64_t *)(buffer + cursor * PAGE);
      const uint64_t expected = ((uint64_t)cursor << 32) | generation[cursor];
      if (words[0] != expected) {
        bad++;
      }
      generation[cursor]++;
      words[0] = ((uint64_t)cursor << 32) | generation[cursor];
      words[1 + next_random() % (PAGE / 8 - 1)] = next_random();
      dirtied++;
    }
    if (sock >= 0) {
      send_credit += datagrams_per_slice;
      for (; send_credit >= 1; send_credit -= 1) {
        for (int p = 0; p < peer_count; p++) {
          if (sendto(sock, datagram, sizeof datagram, 0, (struct sockaddr *)&peers[p],
                     sizeof peers[p]) == (ssize_t)sizeof datagram) {
            sent++;
          } else {
            send_errors++;
          }
        }
      }
      char incoming[2048];
      while (recv(sock, incoming, sizeof incoming, 0) > 0) {
        received++;
      }
    }
    if (now >= next_beat) {
      next_beat += 1000000000ull;
      if (next_beat < now) {
        next_beat = now + 1000000000ull;
      }
      sequence++;
      printf("score-hb boot=%08x seq=%llu uptime_ms=%llu dirtied=%llu bad=%llu sent=%llu"
             " recv=%llu send_errors=%llu\n",
             boot, (unsigned long long)sequence, (unsigned long long)((now - start) / 1000000),
             (unsigned long long)dirtied, (unsigned long long)bad, (unsigned long long)sent,
             (unsigned long long)received, (unsigned long long)send_errors);
      fflush(stdout);
    }
  }
}
