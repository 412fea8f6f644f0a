package org.beit4j.spark;

import java.io.Serializable;

/**
 * The parameters the driver broadcasts before a step.
 *
 * @param session the driver's run (a resumed job is a new session), so executors never take a
 *     cached graph's older parameters for these
 * @param step steps done when the snapshot was taken
 * @param values every parameter of the pretraining graph
 */
record ParamSnapshot(String session, long step, NamedFloats values) implements Serializable {

  /** Whether a worker that last loaded {@code (session, step)} already holds these parameters. */
  boolean sameAs(String otherSession, long otherStep) {
    return session.equals(otherSession) && step == otherStep;
  }
}
