package io.mezzo.agent.executors;

import java.util.List;

/**
 * A custom executor as {@code /state} shows it.
 *
 * @param pid the executor's process (group) id, or -1 before it runs
 * @param subscribed whether its event stream is open
 * @param state REGISTERING, RUNNING or TERMINATING
 * @param sandbox the files API path of its run directory, or null before it has one
 * @param tasks the ids of its tasks the agent still tracks
 */
public record ExecutorView(
    String id, String frameworkId, String containerId, long pid, boolean subscribed, String state, String sandbox,
    List<String> tasks) {}
