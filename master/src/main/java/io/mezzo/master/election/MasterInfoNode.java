package io.mezzo.master.election;

import io.mezzo.protocol.Wire;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;

/**
 * The leader's {@code <path>/json.info_N}: an ephemeral sequential node that Curator keeps
 * (re-created under the same name if it is deleted while this master leads).
 *
 * <p>Not protected: Curator's protection prefixes the name ({@code _c_<uuid>-json.info_N}), and
 * Mesos's detectors only read names that start with {@code json.info_}. A create retried after a
 * connection loss can leave a duplicate of this session's node; the election sweeps those up.
 *
 * <p>{@link #close()} never blocks: the delete is guaranteed and runs in the background, so the
 * election can close the node on Curator's own event thread the moment the connection is
 * SUSPENDED or LOST, before the RECONNECTED that would otherwise re-create it. That matters after
 * a session expiry: re-created, the node would keep its old, lower sequence number and name this
 * master leader again while a newer leader holds a higher one.
 */
final class MasterInfoNode extends PersistentNode {
  private final CuratorFramework client;

  MasterInfoNode(CuratorFramework client, String path, byte[] masterInfoJson) {
    super(client, CreateMode.EPHEMERAL_SEQUENTIAL, false, path + "/" + Wire.MASTER_INFO_PREFIX, masterInfoJson);
    this.client = client;
  }

  @Override
  protected void deleteNode() throws Exception {
    String node = getActualPath();
    if (node != null) {
      client.delete().quietly().guaranteed().inBackground().forPath(node);
    }
  }
}
