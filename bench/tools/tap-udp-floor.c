/*
 * The least work any userspace TAP-over-UDP tunnel can do per byte, as a ceiling for our VXLAN mode: each TAP
 * read (a whole TSO super-frame, offloads on) leaves as one UDP GSO send, is received as one GRO-coalesced
 * buffer and written to the peer's TAP as the same super-frame. No per-segment work at all: no split, no
 * checksums, no coalescing, and only the kernel's four copies (TAP read, UDP send, UDP receive, TAP write).
 * Not a VXLAN: each message is a 4-byte length and the virtio-net header and frame as read. Used by
 * tap-udp-floor.sh; see docs/vxlan.md.
 *
 *   tap-udp-floor TAP LOCAL_IPV4 PEER_IPV4 PORT
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "udp-offload.h"
#define SEGMENT 1472          /* UDP payload per datagram on a 1500-byte underlay */
#define MAX_MESSAGE 65507     /* the largest UDP payload over IPv4 */

static int tap, udp;
static long long dropped;

static int open_tap(const char *name) {
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) { perror("/dev/net/tun"); exit(1); }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) { perror("TUNSETIFF"); exit(1); }
    int hdr = 10;
    if (ioctl(fd, TUNSETVNETHDRSZ, &hdr) < 0) { perror("TUNSETVNETHDRSZ"); exit(1); }
    if (ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6) < 0) { perror("TUNSETOFFLOAD"); exit(1); }
    return fd;
}

static void *tap_to_udp(void *unused) {
    static unsigned char buf[MAX_MESSAGE + 64];
    char control[CMSG_SPACE(sizeof(uint16_t))];
    for (;;) {
        ssize_t n = read(tap, buf + 4, MAX_MESSAGE - 4);
        if (n < 0) { if (errno == EINTR) continue; perror("read tap"); exit(1); }
        uint32_t len = (uint32_t) n;
        memcpy(buf, &len, 4);
        struct iovec iov = {buf, (size_t) n + 4};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
        if (n + 4 > SEGMENT) {
            msg.msg_control = control;
            msg.msg_controllen = sizeof control;
            struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
            c->cmsg_level = SOL_UDP;
            c->cmsg_type = UDP_SEGMENT;
            c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
            *(uint16_t *) CMSG_DATA(c) = SEGMENT;
        }
        if (sendmsg(udp, &msg, 0) < 0 && errno != ECONNREFUSED) dropped++;
    }
    return unused;
}

static void udp_to_tap(void) {
    static unsigned char buf[65536 + 64];
    for (;;) {
        ssize_t n = recv(udp, buf, sizeof buf, 0);
        if (n < 0) { if (errno == EINTR || errno == ECONNREFUSED) continue; perror("recv"); exit(1); }
        /* GRO may join whole messages of equal-sized datagrams: walk them by their length prefixes */
        ssize_t o = 0;
        while (o + 4 <= n) {
            uint32_t len;
            memcpy(&len, buf + o, 4);
            if (len == 0 || o + 4 + (ssize_t) len > n) { dropped++; break; }
            if (write(tap, buf + o + 4, len) < 0) dropped++;
            o += 4 + len;
        }
    }
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: %s TAP LOCAL_IPV4 PEER_IPV4 PORT\n", argv[0]); return 2; }
    tap = open_tap(argv[1]);
    udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int one = 1, size = 16 << 20;
    setsockopt(udp, SOL_UDP, UDP_GRO, &one, sizeof one);
    setsockopt(udp, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
    setsockopt(udp, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size);
    struct sockaddr_in local = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[4]))}, peer = local;
    inet_pton(AF_INET, argv[2], &local.sin_addr);
    inet_pton(AF_INET, argv[3], &peer.sin_addr);
    if (bind(udp, (struct sockaddr *) &local, sizeof local) < 0) { perror("bind"); return 1; }
    if (connect(udp, (struct sockaddr *) &peer, sizeof peer) < 0) { perror("connect"); return 1; }
    pthread_t t;
    pthread_create(&t, NULL, tap_to_udp, NULL);
    udp_to_tap();
    return 0;
}
