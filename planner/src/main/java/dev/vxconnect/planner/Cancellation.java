package dev.vxconnect.planner;

/**
 * Lets a running execution ask whether it was interrupted. Spark only cancels jobs that are running
 * when the interrupt arrives, so the planner checks this before each step that starts a job.
 */
public interface Cancellation {

  boolean isCancelled();

  Cancellation NEVER = () -> false;
}
