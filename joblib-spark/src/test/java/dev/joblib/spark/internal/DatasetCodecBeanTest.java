package dev.joblib.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.joblib.PersistenceException;
import java.io.Serializable;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

/**
 * A cache entry's manifest names the bean class its rows are read into; anyone who can write the
 * store can edit it, so a class whose setters do harm is refused before any row is read.
 */
class DatasetCodecBeanTest {
  @Test
  void aJdkBeanWhoseSettersConnectSomewhereIsRefused() throws Exception {
    Class<?> rowSet = Class.forName("com.sun.rowset.JdbcRowSetImpl");

    assertThatThrownBy(() -> DatasetCodec.requireHarmlessBean(rowSet))
        .isInstanceOfSatisfying(
            PersistenceException.class,
            e -> assertThat(e.reason()).isEqualTo(PersistenceException.Reason.REFUSED))
        .hasMessageContaining("com.sun.rowset.JdbcRowSetImpl");
  }

  @Test
  void aProxyClassIsRefused() {
    Class<?> proxy =
        Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {Runnable.class},
                (p, method, args) -> null)
            .getClass();

    assertThatThrownBy(() -> DatasetCodec.requireHarmlessBean(proxy))
        .isInstanceOf(PersistenceException.class);
  }

  @Test
  void theApplicationsOwnBeanIsRead() {
    assertThatCode(() -> DatasetCodec.requireHarmlessBean(Point.class)).doesNotThrowAnyException();
  }

  /** A bean of the application. */
  public static class Point implements Serializable {
    private static final long serialVersionUID = 1L;
    private int x;

    /**
     * The x.
     *
     * @return x
     */
    public int getX() {
      return x;
    }

    /**
     * Sets x.
     *
     * @param x the x
     */
    public void setX(int x) {
      this.x = x;
    }
  }
}
