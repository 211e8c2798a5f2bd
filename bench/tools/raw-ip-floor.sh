#!/bin/bash
# The kernel's ceiling for raw ESP between two namespaces (see raw-ip-floor.c and docs/esp.md):
#   bench/tools/raw-ip-floor.sh [SECONDS] [PAYLOAD] [ROUNDS]
# Builds the tool with cc, makes two namespaces joined by a veth pair (198.18.0.0/15 underlay), and in each of
# ROUNDS rounds runs one receiver and one sender for SECONDS for raw, hdrincl and udp in turn (this machine's
# spread between single runs is larger than the differences between kinds); removes everything on exit.
set -euo pipefail
secs=${1:-5}; payload=${2:-1456}; rounds=${3:-3}
. "$(dirname "$0")/netns-pair.sh"
netns_pair rawfloor 200 rf0 rf1
cc -O2 -Wall -o "$dir/raw-ip-floor" "$(dirname "$0")/raw-ip-floor.c"
for round in $(seq 1 "$rounds"); do
    for kind in raw hdrincl udp; do
        recv_kind=$kind; [ "$kind" = hdrincl ] && recv_kind=raw
        ip netns exec "$b" timeout $((secs + 10)) "$dir/raw-ip-floor" recv "$recv_kind" "$secs" > "$dir/recv.txt" &
        rp=$!
        sleep 0.5
        ip netns exec "$a" timeout $((secs + 5)) "$dir/raw-ip-floor" send "$kind" 198.18.200.1 198.18.200.2 "$payload" "$secs" > /dev/null
        wait "$rp" || true
        echo "round $round $kind: $(cat "$dir/recv.txt")"
    done
done
