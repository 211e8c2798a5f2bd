#!/bin/bash
# Does MSG_ZEROCOPY save a UDP GSO sender's copy across a veth pair on this kernel? (docs/benchmarks.md)
#   bench/tools/udp-zerocopy-floor.sh [SECONDS] [ROUNDS]
# Two namespaces joined by a veth pair (198.18.0.0/15 underlay); in each round the sender sends WireGuard-sized
# datagrams with UDP GSO for SECONDS, once copying and once with MSG_ZEROCOPY, to a UDP_GRO receiver. Prints
# Gbit/s and each side's CPU seconds per Gbit, and how many zerocopy sends the kernel copied after all.
# Removes every namespace and process it made, on any exit.
set -euo pipefail
secs=${1:-5}; rounds=${2:-3}
. "$(dirname "$0")/netns-pair.sh"
netns_pair zcfloor 202 zc0 zc1
cc -O2 -Wall -o "$dir/zc" "$(dirname "$0")/udp-zerocopy-floor.c"

one() {
    ip netns exec "$b" timeout $((secs + 10)) "$dir/zc" recv 198.18.202.2 9100 "$secs" > "$dir/recv" & pids+=($!)
    sleep 0.3
    ip netns exec "$a" timeout $((secs + 10)) "$dir/zc" send 198.18.202.1 198.18.202.2 9100 "$secs" "$1" > "$dir/send"
    wait "${pids[@]}" 2>/dev/null || true; pids=()
    awk -v mode="$1" 'FNR == NR { sb = $4; ss = $6; sc = $8; sn = $10; cp = $14; next }
        { rb = $3; rs = $5; rc = $7 }
        END { printf "%-8s sent %5.2f Gbit/s (%.3f CPU s/Gbit), received %5.2f Gbit/s (%.3f CPU s/Gbit)%s\n", mode,
              sb * 8 / ss / 1e9, sc / (sb * 8 / 1e9), rb * 8 / rs / 1e9, rc / (rb * 8 / 1e9),
              mode == "zerocopy" ? sprintf(", %d of %d sends copied by the kernel", cp, sn) : "" }' "$dir/send" "$dir/recv"
}

for r in $(seq 1 "$rounds"); do
    echo "round $r"
    one copy
    one zerocopy
done
