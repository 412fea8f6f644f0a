package org.beit4j.samediff;

import java.util.function.Predicate;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;

/** Copies trained parameters between graphs that name them alike (a model and a view of it). */
public final class Parameters {

  private Parameters() {}

  /**
   * Assigns every trainable variable of {@code to} whose name {@code take} accepts the value of the
   * variable of the same name in {@code from}.
   *
   * @param what names the parameters in the error, e.g. "encoder parameter"
   * @throws IllegalStateException if {@code from} lacks one of them
   */
  public static void copy(SameDiff from, SameDiff to, Predicate<String> take, String what) {
    for (SDVariable v : to.variables()) {
      if (v.getVariableType() != VariableType.VARIABLE || !take.test(v.name())) {
        continue;
      }
      if (!from.hasVariable(v.name())) {
        throw new IllegalStateException(what + " " + v.name() + " missing in the source graph");
      }
      v.getArr().assign(from.getVariable(v.name()).getArr());
    }
  }
}
