// What MSG_ZEROCOPY would save a UDP GSO sender on this kernel (docs/benchmarks.md, "What bounds each path"):
//   udp-zerocopy-floor send SRC DST PORT SECONDS copy|zerocopy
//   udp-zerocopy-floor recv ADDR PORT SECONDS
// The sender sends 44 datagrams of 1456 bytes (a WireGuard-sized TCP segment) per sendmsg with UDP_SEGMENT, from a
// ring of 64 KB buffers; with zerocopy it reuses a buffer only after the kernel reported it done on the error queue,
// and counts the completions the kernel marked SO_EE_CODE_ZEROCOPY_COPIED (it copied after all). The receiver reads
// with UDP_GRO and recvmmsg. Each prints bytes, seconds and its own CPU seconds (getrusage) on one line.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "udp-offload.h"

#ifndef SO_ZEROCOPY
#define SO_ZEROCOPY 60
#endif
#ifndef MSG_ZEROCOPY
#define MSG_ZEROCOPY 0x4000000
#endif

enum { SEG = 1456, SEGS = 44, MSG = SEG * SEGS, RING = 64, GRO_BUF = 65536, BATCH = 8 };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

static struct sockaddr_in addr(const char *ip, int port) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) { fprintf(stderr, "bad address %s\n", ip); exit(2); }
    return a;
}

static void die(const char *what) { perror(what); exit(1); }

// Reads every completion waiting on the error queue; returns the highest finished send number + 1 (or done).
static uint32_t reap(int fd, uint32_t done, long *copied, long *notes) {
    for (;;) {
        char control[128];
        struct msghdr m = {.msg_control = control, .msg_controllen = sizeof control};
        if (recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) {
            if (errno == EAGAIN) return done;
            die("recvmsg MSG_ERRQUEUE");
        }
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
            struct sock_extended_err *e = (struct sock_extended_err *) CMSG_DATA(c);
            if (e->ee_origin != SO_EE_ORIGIN_ZEROCOPY) continue;
            (*notes)++;
            if (e->ee_code & SO_EE_CODE_ZEROCOPY_COPIED) *copied += e->ee_data - e->ee_info + 1;
            if (e->ee_data + 1 > done) done = e->ee_data + 1;
        }
    }
}

static int send_main(const char *src, const char *dst, int port, double secs, int zc) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) die("socket");
    struct sockaddr_in me = addr(src, 0), to = addr(dst, port);
    if (bind(fd, (struct sockaddr *) &me, sizeof me) < 0) die("bind");
    int one = 1, buf = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof buf);
    if (zc && setsockopt(fd, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof one) < 0) die("SO_ZEROCOPY");
    char *ring = aligned_alloc(4096, (size_t) RING * GRO_BUF);
    memset(ring, 0x5a, (size_t) RING * GRO_BUF);
    uint32_t sent = 0, done = 0;
    long bytes = 0, copied = 0, notes = 0;
    double t0 = now(), c0 = cpu();
    while (now() - t0 < secs) {
        if (zc) {
            done = reap(fd, done, &copied, &notes);
            if (sent - done >= RING) continue;   // every buffer is still the kernel's
        }
        char *p = ring + (size_t) (sent % RING) * GRO_BUF;
        p[0] = (char) sent;   // the sender writes its buffer, as a device seals into its slot
        struct iovec iov = {p, MSG};
        char control[CMSG_SPACE(sizeof(uint16_t))] = {0};
        struct msghdr m = {.msg_name = &to, .msg_namelen = sizeof to, .msg_iov = &iov, .msg_iovlen = 1,
                           .msg_control = control, .msg_controllen = sizeof control};
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_UDP;
        c->cmsg_type = UDP_SEGMENT;
        c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
        *(uint16_t *) CMSG_DATA(c) = SEG;
        ssize_t n = sendmsg(fd, &m, zc ? MSG_ZEROCOPY : 0);
        if (n < 0) {
            if (errno == ENOBUFS || errno == EAGAIN) continue;
            die("sendmsg");
        }
        bytes += n;
        sent++;
    }
    double t = now() - t0, c = cpu() - c0;
    while (zc && done < sent && now() - t0 < secs + 2) done = reap(fd, done, &copied, &notes);
    printf("send %s bytes %ld seconds %.3f cpu %.3f sends %u completions %ld copied %ld\n",
           zc ? "zerocopy" : "copy", bytes, t, c, sent, notes, copied);
    return 0;
}

static int recv_main(const char *ip, int port, double secs) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) die("socket");
    struct sockaddr_in me = addr(ip, port);
    if (bind(fd, (struct sockaddr *) &me, sizeof me) < 0) die("bind");
    int one = 1, buf = 8 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf);
    if (setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof one) < 0) die("UDP_GRO");
    struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    static char bufs[BATCH][GRO_BUF];
    struct iovec iov[BATCH];
    struct mmsghdr msgs[BATCH];
    long bytes = 0;
    double t0 = 0, c0 = 0, last = 0;
    double start = now();
    while (now() - start < secs + 5) {
        for (int i = 0; i < BATCH; i++) {
            iov[i] = (struct iovec) {bufs[i], GRO_BUF};
            msgs[i] = (struct mmsghdr) {.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
        }
        int n = recvmmsg(fd, msgs, BATCH, 0, NULL);
        if (n < 0) {
            if (errno == EAGAIN && t0 > 0 && now() - last > 0.5) break;   // the sender stopped
            if (errno == EAGAIN || errno == EINTR) continue;
            die("recvmmsg");
        }
        if (t0 == 0) { t0 = now(); c0 = cpu(); }
        for (int i = 0; i < n; i++) bytes += msgs[i].msg_len;
        last = now();
    }
    printf("recv bytes %ld seconds %.3f cpu %.3f\n", bytes, last - t0, cpu() - c0);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 7 && !strcmp(argv[1], "send"))
        return send_main(argv[2], argv[3], atoi(argv[4]), atof(argv[5]), !strcmp(argv[6], "zerocopy"));
    if (argc == 5 && !strcmp(argv[1], "recv")) return recv_main(argv[2], atoi(argv[3]), atof(argv[4]));
    fprintf(stderr, "usage: %s send SRC DST PORT SECONDS copy|zerocopy | recv ADDR PORT SECONDS\n", argv[0]);
    return 2;
}
