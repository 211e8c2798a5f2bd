/* UDP GSO and GRO socket options for the floor tools, where the C library's headers predate them. */
#ifndef UDP_OFFLOAD_H
#define UDP_OFFLOAD_H
#include <netinet/udp.h>
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif
#endif
