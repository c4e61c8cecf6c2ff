package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class RemoteTaskExceptionTest {
  /** An exception that does not serialize: it holds a thread. */
  static final class HoldsAThread extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("unused")
    private final Thread thread = Thread.currentThread();

    HoldsAThread(String message, Throwable cause) {
      super(message, cause);
    }
  }

  @Test
  void aCopyKeepsClassMessageTraceAndCausesAndSerializes() throws Exception {
    HoldsAThread original =
        new HoldsAThread(
            "outer", new IllegalStateException("inner", new HoldsAThread("root", null)));
    RemoteTaskException copy = RemoteTaskException.copyOf(original);

    assertThat(copy.remoteClassName()).isEqualTo(HoldsAThread.class.getName());
    assertThat(copy.remoteMessage()).isEqualTo("outer");
    assertThat(copy).hasMessage(HoldsAThread.class.getName() + ": outer");
    assertThat(copy.getStackTrace()).isEqualTo(original.getStackTrace());
    RemoteTaskException inner = (RemoteTaskException) copy.getCause();
    assertThat(inner.remoteClassName()).isEqualTo(IllegalStateException.class.getName());
    assertThat(inner.remoteMessage()).isEqualTo("inner");
    RemoteTaskException root = (RemoteTaskException) inner.getCause();
    assertThat(root.remoteMessage()).isEqualTo("root");
    assertThat(root.getCause()).isNull();

    RemoteTaskException back = roundTrip(copy);
    assertThat(back.remoteClassName()).isEqualTo(HoldsAThread.class.getName());
    assertThat(back.getCause()).isInstanceOf(RemoteTaskException.class);
  }

  @Test
  void aCauseCycleEndsTheChain() {
    IllegalStateException a = new IllegalStateException("a");
    IllegalArgumentException b = new IllegalArgumentException("b", a);
    a.initCause(b);
    RemoteTaskException copy = RemoteTaskException.copyOf(a);
    assertThat(copy.getCause()).isInstanceOf(RemoteTaskException.class);
    assertThat(copy.getCause().getCause()).isNull();
  }

  private static RemoteTaskException roundTrip(RemoteTaskException e)
      throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(e);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (RemoteTaskException) in.readObject();
    }
  }
}
