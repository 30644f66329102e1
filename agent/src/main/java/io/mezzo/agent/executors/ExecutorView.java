package io.mezzo.agent.executors;

import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.FrameworkInfo;
import java.util.List;

/**
 * A custom executor as {@code /state} and the operator API show it; immutable.
 *
 * @param pid the executor's process (group) id, or -1 before it runs
 * @param subscribed whether its event stream is open
 * @param state REGISTERING, RUNNING or TERMINATING (TERMINATED once its process ended)
 * @param sandbox the files API path of its run directory, or null before it has one
 * @param tasks the ids of its tasks the agent still tracks
 * @param info the executor as its framework described it
 * @param frameworkInfo its framework, as the master sent it with the executor's first task
 */
public record ExecutorView(
    String id, String frameworkId, String containerId, long pid, boolean subscribed, String state, String sandbox,
    List<String> tasks, ExecutorInfo info, FrameworkInfo frameworkInfo) {}
