/*
 * The kernel's own ceiling for a userspace raw-ESP path: blasts IP protocol 50 datagrams (no crypto, no TUN)
 * from one namespace to another with sendmmsg and counts what recvmmsg receives there. With "udp" it sends the
 * same sizes as plain UDP datagrams, one per message (no GSO), for contrast; with "hdrincl" the sender builds
 * the IPv4 header itself (IP_HDRINCL). Used by raw-ip-floor.sh; see docs/esp.md.
 *
 *   raw-ip-floor recv raw|udp SECONDS
 *   raw-ip-floor send raw|udp|hdrincl SRC DST PAYLOAD SECONDS
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define SLOT 2048
#define PORT 4500

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int open_socket(const char *kind, int hdrincl) {
    int fd = strcmp(kind, "udp") == 0 ? socket(AF_INET, SOCK_DGRAM, 0) : socket(AF_INET, SOCK_RAW, IPPROTO_ESP);
    if (fd < 0) { perror("socket"); exit(1); }
    int one = 1;
    if (hdrincl && setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof one) < 0) { perror("IP_HDRINCL"); exit(1); }
    return fd;
}

static int receive(const char *kind, double seconds) {
    int fd = open_socket(kind, 0);
    int buf = 64 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf);
    struct timeval tv = {0, 200000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (strcmp(kind, "udp") == 0) {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(PORT)};
        if (bind(fd, (struct sockaddr *) &a, sizeof a) < 0) { perror("bind"); return 1; }
    }
    static char slots[BATCH][SLOT];
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    for (int i = 0; i < BATCH; i++) {
        iov[i] = (struct iovec) {slots[i], SLOT};
        msgs[i] = (struct mmsghdr) {.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
    }
    long long bytes = 0, packets = 0;
    double first = 0, last = 0, end = now() + seconds + 5;
    while (now() < end) {
        int n = recvmmsg(fd, msgs, BATCH, 0, NULL);
        if (n <= 0) { if (packets > 0 && now() - last > 0.5) break; continue; }
        last = now();
        if (packets == 0) first = last;
        for (int i = 0; i < n; i++) bytes += msgs[i].msg_len;
        packets += n;
    }
    double span = last - first;
    printf("received %lld packets, %lld bytes in %.2f s: %.2f Gbit/s, %.0f kpps\n", packets, bytes, span,
           span > 0 ? bytes * 8 / span / 1e9 : 0, span > 0 ? packets / span / 1e3 : 0);
    return 0;
}

static int send_all(const char *kind, const char *src, const char *dst, int payload, double seconds) {
    int hdrincl = strcmp(kind, "hdrincl") == 0;
    int fd = open_socket(kind, hdrincl);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(strcmp(kind, "udp") == 0 ? PORT : 0)};
    inet_pton(AF_INET, dst, &to.sin_addr);
    if (connect(fd, (struct sockaddr *) &to, sizeof to) < 0) { perror("connect"); return 1; }
    static char slots[BATCH][SLOT];
    int len = payload;
    for (int i = 0; i < BATCH; i++) {
        char *p = slots[i];
        if (hdrincl) {
            struct iphdr *ip = (struct iphdr *) p;
            memset(ip, 0, sizeof *ip);
            ip->version = 4; ip->ihl = 5; ip->ttl = 64; ip->protocol = IPPROTO_ESP;
            inet_pton(AF_INET, src, &ip->saddr);
            ip->daddr = to.sin_addr.s_addr;
            p += sizeof *ip;   /* tot_len, id and checksum are the kernel's */
            len = payload + (int) sizeof *ip;
        }
        memset(p, 0x5a, payload);
    }
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    for (int i = 0; i < BATCH; i++) {
        iov[i] = (struct iovec) {slots[i], (size_t) len};
        msgs[i] = (struct mmsghdr) {.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
    }
    long long sent = 0, refused = 0;
    double start = now(), end = start + seconds;
    while (now() < end) {
        int n = sendmmsg(fd, msgs, BATCH, 0);
        if (n < 0) { if (errno == ENOBUFS || errno == EAGAIN) { refused++; continue; } perror("sendmmsg"); return 1; }
        sent += n;
    }
    double span = now() - start;
    printf("sent %lld packets of %d bytes in %.2f s: %.2f Gbit/s offered (%lld refused batches)\n", sent, payload,
           span, sent * (double) payload * 8 / span / 1e9, refused);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 4 && strcmp(argv[1], "recv") == 0) return receive(argv[2], atof(argv[3]));
    if (argc == 7 && strcmp(argv[1], "send") == 0) return send_all(argv[2], argv[3], argv[4], atoi(argv[5]), atof(argv[6]));
    fprintf(stderr, "usage: %s recv raw|udp SECONDS | send raw|udp|hdrincl SRC DST PAYLOAD SECONDS\n", argv[0]);
    return 2;
}
