package io.mezzo.agent.tasks;

import io.mezzo.v1.Protos.TaskState;

/**
 * A task as {@code /state} shows it.
 *
 * @param sandbox the files API path of the task's latest run, or null before it has one
 */
public record TaskView(String id, String frameworkId, TaskState state, String sandbox) {}
