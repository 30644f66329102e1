package io.mezzo.master;

import org.apache.curator.test.KillSession;

/** Reaches a master's ZooKeeper client from tests in other packages, to expire its session. */
public final class MasterSessions {
  private MasterSessions() {}

  /** Expires the master's ZooKeeper session as ZooKeeper would after a long pause or partition. */
  public static void expire(Master master) throws Exception {
    KillSession.kill(master.zooKeeperClient().getZookeeperClient().getZooKeeper());
  }

  /** How many elections the master has won: the same number before and after a resumed term. */
  public static long electionsWon(Master master) {
    return master.electionsWon();
  }

  /** The server of {@code ensemble} the master's ZooKeeper client is connected to now. */
  public static org.apache.curator.test.InstanceSpec connectedServer(Master master,
      org.apache.curator.test.TestingCluster ensemble) throws Exception {
    return ensemble.findConnectionInstance(master.zooKeeperClient().getZookeeperClient().getZooKeeper());
  }
}
