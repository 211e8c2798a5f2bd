package dev.dataplane.esp.ike;

import dev.dataplane.encap.ike.TrafficSelector;

import java.util.List;

/** A CHILD SA installed in the ESP device: our inbound SPI, the peer's (our outbound), its algorithm and selectors. */
record ChildSa(SwanctlConfig.Child config, int spiIn, int spiOut, int reqid, String algorithm, List<TrafficSelector> localTs,
               List<TrafficSelector> remoteTs, long installedNanos) {}
