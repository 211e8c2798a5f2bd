package dev.dataplane.flannel;

import java.io.IOException;

/**
 * What flannel's extension backend asks of a node, one method per command of its net-conf: PreStartupCommand
 * (its output becomes this node's lease BackendData), PostStartupCommand (this node's lease is known),
 * SubnetAddCommand / SubnetRemoveCommand (another node's lease came or went; its BackendData arrives on stdin)
 * and ShutdownCommand. Every step can run again after a restart and leaves the same state.
 */
public interface ExtensionBackend {
    String preStartup(FlannelEnv env) throws IOException;

    void postStartup(FlannelEnv env) throws IOException;

    void subnetAdd(FlannelEnv env, String backendData) throws IOException;

    void subnetRemove(FlannelEnv env, String backendData) throws IOException;

    void shutdown() throws IOException;
}
