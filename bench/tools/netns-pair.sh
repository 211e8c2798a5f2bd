# Sourced by the floor tools: two namespaces of their own joined by a veth pair on a /24 of the 198.18.0.0/15
# underlay, and, on any exit, the processes in $pids killed, the namespaces deleted and the scratch $dir removed.
#   netns_pair TAG OCTET IF_A IF_B
# sets a and b (TAG-a-PID, TAG-b-PID; 198.18.OCTET.1 on IF_A in a, .2 on IF_B in b), dir and pids.
netns_pair() {
    local tag=$1 octet=$2 ifa=$3 ifb=$4
    dir=$(mktemp -d); a=$tag-a-$$; b=$tag-b-$$; pids=()
    trap netns_pair_cleanup EXIT
    ip netns add "$a"; ip netns add "$b"
    ip link add "$ifa" netns "$a" type veth peer name "$ifb" netns "$b"
    ip -n "$a" addr add "198.18.$octet.1/24" dev "$ifa"; ip -n "$b" addr add "198.18.$octet.2/24" dev "$ifb"
    for n in "$a" "$b"; do ip -n "$n" link set lo up; done
    ip -n "$a" link set "$ifa" up; ip -n "$b" link set "$ifb" up
}

netns_pair_cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    ip netns del "$a" 2>/dev/null || true; ip netns del "$b" 2>/dev/null || true; rm -rf "$dir"
}
