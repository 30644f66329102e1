package io.mezzo.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: one {@link LocalCluster} per test class, injected as a parameter.
 *
 * <pre>{@code
 * @RegisterExtension
 * static LocalClusterExtension cluster = new LocalClusterExtension(LocalCluster.builder().agents(2));
 * }</pre>
 */
public final class LocalClusterExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private final LocalCluster.Builder builder;
  private LocalCluster cluster;

  public LocalClusterExtension(LocalCluster.Builder builder) {
    this.builder = builder;
  }

  public LocalClusterExtension() {
    this(LocalCluster.builder());
  }

  public LocalCluster cluster() {
    if (cluster == null) {
      throw new IllegalStateException("The local cluster starts before the first test of the class");
    }
    return cluster;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    cluster = builder.build().start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LocalCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return cluster();
  }
}
