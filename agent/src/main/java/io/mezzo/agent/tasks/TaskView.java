package io.mezzo.agent.tasks;

import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;

/**
 * A task as {@code /state} and the operator API show it: immutable, so it may be read off the
 * agent's context.
 *
 * @param sandbox the files API path of the task's latest run, or null before it has one
 * @param task the task as the master sent it
 * @param frameworkInfo its framework, or null when a recovered checkpoint did not have it
 * @param executor the executor the task runs under (a custom executor, or a DEFAULT executor the
 *     agent stands in for), or null for a command task
 * @param containerId the top-level container the task runs in: the executor's for executor tasks,
 *     its own for command tasks; null before it has one
 * @param queued whether the task waits for its executor or its launch (not handed on yet)
 */
public record TaskView(String id, String frameworkId, TaskState state, String sandbox, TaskInfo task,
    FrameworkInfo frameworkInfo, ExecutorInfo executor, String containerId, boolean queued) {}
