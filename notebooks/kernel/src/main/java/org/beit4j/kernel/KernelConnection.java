package org.beit4j.kernel;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.channels.JupyterSocket;
import io.github.spencerpark.jupyter.channels.ShellChannel;
import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;
import io.github.spencerpark.jupyter.channels.StdinChannel;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.messages.ContentType;
import io.github.spencerpark.jupyter.messages.MessageContext;
import io.github.spencerpark.jupyter.messages.MessageType;
import io.github.spencerpark.jupyter.messages.publish.PublishError;
import io.github.spencerpark.jupyter.messages.publish.PublishExecuteInput;
import io.github.spencerpark.jupyter.messages.reply.ErrorReply;
import io.github.spencerpark.jupyter.messages.reply.ExecuteReply;

/**
 * The base kernel's connection, with one change: a failed cell's {@code execute_reply} carries the
 * same traceback as its error output (the cell's own error lines) instead of the kernel's Java
 * stack. Headless runners ({@code nbconvert --execute}) print the reply, so CI logs show what
 * failed in the notebook.
 */
final class KernelConnection extends JupyterConnection {

  KernelConnection(KernelConnectionProperties properties) throws Exception {
    super(properties);
  }

  @Override
  public ShellReplyEnvironment prepareReplyEnv(ShellChannel shell, MessageContext context) {
    return new Environment(shell, stdin, iopub, context);
  }

  private static final class Environment extends ShellReplyEnvironment {
    private Integer count;
    private PublishError published;

    Environment(ShellChannel shell, StdinChannel stdin, JupyterSocket iopub, MessageContext ctx) {
      super(shell, stdin, iopub, ctx);
    }

    @Override
    public <T extends ContentType<T>> void publish(T content) {
      if (content instanceof PublishExecuteInput input) {
        count = input.getCount();
      } else if (content instanceof PublishError error) {
        published = error;
      }
      super.publish(content);
    }

    @Override
    public void replyError(MessageType<?> type, ErrorReply error) {
      if (published == null || type != ExecuteReply.MESSAGE_TYPE.error()) {
        super.replyError(type, error);
        return;
      }
      ErrorReply same =
          new ErrorReply(
              published.getErrorName(), published.getErrorMessage(), published.getStacktrace());
      if (count != null) {
        same.setExecutionCount(count);
      }
      super.replyError(type, same);
    }
  }
}
