package io.mezzo.master;

import org.apache.curator.test.KillSession;

/** Reaches a master's ZooKeeper client from tests in other packages, to expire its session. */
public final class MasterSessions {
  private MasterSessions() {}

  /** Expires the master's ZooKeeper session as ZooKeeper would after a long pause or partition. */
  public static void expire(Master master) throws Exception {
    KillSession.kill(master.zooKeeperClient().getZookeeperClient().getZooKeeper());
  }
}
