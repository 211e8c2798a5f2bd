# Debian packages the tests, the demo and the benchmark drive: real peers and real tools, nobody's mocks.
install_test_deps() {
    local need=()
    command -v wireguard-go >/dev/null || need+=(wireguard-go)
    command -v wg >/dev/null || need+=(wireguard-tools)
    command -v iperf3 >/dev/null || need+=(iperf3)
    command -v ping >/dev/null || need+=(iputils-ping)
    command -v ip >/dev/null || need+=(iproute2)
    command -v mvn >/dev/null || need+=(maven)
    command -v nc >/dev/null || need+=(netcat-openbsd)
    command -v iptables >/dev/null || need+=(iptables)     # NAT rebinding behind MASQUERADE (FaultsIT)
    command -v ethtool >/dev/null || need+=(ethtool)       # checksum offload off on kernel vxlan peers (VxlanIT)
    command -v bridge >/dev/null || need+=(iproute2)       # bridge fdb on kernel vxlan peers
    [ -x /usr/sbin/capsh ] || need+=(libcap2-bin)          # the no-CAP_NET_ADMIN test runs a JVM under capsh
    command -v etcd >/dev/null || need+=(etcd-server)      # flannel's lease store (FlannelAgentIT starts its own)
    command -v etcdctl >/dev/null || need+=(etcd-client)
    command -v unshare >/dev/null || need+=(util-linux)    # a private /run per flannel test node
    # strongSwan's charon as the IKEv2 peer, ESP in userspace (kernel-libipsec), crypto from openssl
    [ -x /usr/lib/ipsec/charon ] || need+=(strongswan-charon)
    command -v swanctl >/dev/null || need+=(strongswan-swanctl)
    [ -e /usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so ] || need+=(libcharon-extra-plugins)
    [ -e /usr/lib/ipsec/plugins/libstrongswan-openssl.so ] || need+=(libstrongswan-standard-plugins)
    if [ ${#need[@]} -gt 0 ]; then
        # one line here; apt's own output goes to $DATAPLANE_SETUP_LOG when set (the demo), else to stderr
        local log="${DATAPLANE_SETUP_LOG:-/dev/stderr}"
        echo "installing Debian packages: ${need[*]}${DATAPLANE_SETUP_LOG:+ (log: $DATAPLANE_SETUP_LOG)}" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >>"$log" 2>&1 || true
        # packages install, their services do not start: etcd-server would otherwise serve on the host
        local policy=/usr/sbin/policy-rc.d made_policy=0
        if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; made_policy=1; fi
        local rc=0
        apt-get install -y -qq --no-install-recommends "${need[@]}" >>"$log" 2>&1 || rc=$?
        [ "$made_policy" = 1 ] && rm -f "$policy"
        [ "$rc" = 0 ] || { echo "apt-get install failed${DATAPLANE_SETUP_LOG:+; see the end of $DATAPLANE_SETUP_LOG}" >&2; return 1; }
    fi
}
