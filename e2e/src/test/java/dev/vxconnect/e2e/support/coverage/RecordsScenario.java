package dev.vxconnect.e2e.support.coverage;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Names the running test as the current scenario, so that what its clients send is recorded for
 * docs/protocol-coverage.md: for tests that do not extend a base class which does it.
 */
public final class RecordsScenario implements BeforeEachCallback, AfterEachCallback {

  @Override
  public void beforeEach(ExtensionContext context) {
    CurrentScenario.set(context.getRequiredTestClass(), context.getRequiredTestMethod().getName());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    CurrentScenario.clear();
  }
}
