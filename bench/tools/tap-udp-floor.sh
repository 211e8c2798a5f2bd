#!/bin/bash
# A ceiling for userspace VXLAN (see tap-udp-floor.c and docs/vxlan.md), beside the kernel's vxlan device:
#   bench/tools/tap-udp-floor.sh [SECONDS] [ROUNDS]
# Two namespaces joined by a veth pair (198.18.0.0/15 underlay); in each round, iperf3 TCP (1 stream, then 4)
# over the kernel vxlan device (VNI 1, port 8472, MTU 1450 as flannel sets it), over tap-udp-floor's TAP
# devices (MTU 1450) and over our VXLAN mode (bin/dataplane --mode vxlan, after a 12-second warm-up transfer for
# the JIT). Removes every namespace and process it made, on any exit.
set -euo pipefail
secs=${1:-8}; rounds=${2:-3}
. "$(dirname "$0")/netns-pair.sh"
netns_pair tapfloor 201 tf0 tf1
cc -O2 -Wall -pthread -o "$dir/tap-udp-floor" "$(dirname "$0")/tap-udp-floor.c"

# iperf3 from a to b's address $1 with $2 streams; prints the receiver's Gbit/s
iperf() {
    ip netns exec "$b" timeout $((secs + 20)) iperf3 -s -1 -B "$1" > /dev/null 2>&1 &
    local server=$!
    sleep 0.5
    ip netns exec "$a" timeout $((secs + 15)) iperf3 -c "$1" -t "$secs" -P "$2" -f g 2>/dev/null \
        | awk '/receiver/ {v = $(NF-2)} END {print v}'
    wait "$server" 2>/dev/null || true
}

kernel_vxlan() {
    ip -n "$a" link add vx0 type vxlan id 1 dstport 8472 local 198.18.201.1 remote 198.18.201.2 dev tf0
    ip -n "$b" link add vx0 type vxlan id 1 dstport 8472 local 198.18.201.2 remote 198.18.201.1 dev tf1
    ip -n "$a" addr add 10.98.0.1/24 dev vx0; ip -n "$b" addr add 10.98.0.2/24 dev vx0
    for n in "$a" "$b"; do ip -n "$n" link set vx0 mtu 1450 up; done
    echo "kernel vxlan: $(iperf 10.98.0.2 1) / $(iperf 10.98.0.2 4) Gbit/s"
    ip -n "$a" link del vx0; ip -n "$b" link del vx0
}

floor() {
    ip netns exec "$a" "$dir/tap-udp-floor" tfa0 198.18.201.1 198.18.201.2 9000 & pids+=($!)
    ip netns exec "$b" "$dir/tap-udp-floor" tfb0 198.18.201.2 198.18.201.1 9000 & pids+=($!)
    for i in $(seq 1 50); do ip -n "$a" link show tfa0 >/dev/null 2>&1 && ip -n "$b" link show tfb0 >/dev/null 2>&1 && break; sleep 0.1; done
    ip -n "$a" addr add 10.99.0.1/24 dev tfa0; ip -n "$b" addr add 10.99.0.2/24 dev tfb0
    ip -n "$a" link set tfa0 mtu 1450 gso_max_size 60000 up; ip -n "$b" link set tfb0 mtu 1450 gso_max_size 60000 up
    echo "tap-udp floor: $(iperf 10.99.0.2 1) / $(iperf 10.99.0.2 4) Gbit/s"
    kill "${pids[@]}" 2>/dev/null || true; wait "${pids[@]}" 2>/dev/null || true; pids=()
}

ours() {
    local root; root=$(cd "$(dirname "$0")/../.." && pwd)
    ip netns exec "$a" "$root/bin/dataplane" --iface vxa0 --mode vxlan --local 198.18.201.1 --remote 198.18.201.2 \
        > "$dir/ours-a.log" 2>&1 & pids+=($!)
    ip netns exec "$b" "$root/bin/dataplane" --iface vxb0 --mode vxlan --local 198.18.201.2 --remote 198.18.201.1 \
        > "$dir/ours-b.log" 2>&1 & pids+=($!)
    for i in $(seq 1 100); do ip -n "$a" link show vxa0 >/dev/null 2>&1 && ip -n "$b" link show vxb0 >/dev/null 2>&1 && break; sleep 0.1; done
    ip -n "$a" addr add 10.97.0.1/24 dev vxa0; ip -n "$b" addr add 10.97.0.2/24 dev vxb0
    ip -n "$a" link set vxa0 up; ip -n "$b" link set vxb0 up
    local s=$secs; secs=12; iperf 10.97.0.2 2 > /dev/null; secs=$s
    echo "ours vxlan: $(iperf 10.97.0.2 1) / $(iperf 10.97.0.2 4) Gbit/s"
    kill "${pids[@]}" 2>/dev/null || true; wait "${pids[@]}" 2>/dev/null || true; pids=()
}

for round in $(seq 1 "$rounds"); do
    echo "round $round"
    kernel_vxlan
    floor
    [ "${FLOOR_ONLY:-}" = 1 ] || ours
done
