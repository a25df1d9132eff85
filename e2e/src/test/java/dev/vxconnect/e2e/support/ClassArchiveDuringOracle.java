package dev.vxconnect.e2e.support;

import dev.vxconnect.testkit.ServerProcess;
import java.io.IOException;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * In the oracle run, which starts no server, makes the test servers' class archive (see testkit's
 * ClassArchive) beside the scenarios, so that the server run's first server does not spend a
 * minute making it first. The run ends only once the archive is written (or has failed: servers
 * then start without one, as before). In the server runs it does nothing: their first server makes
 * the archive if there is none yet. Registered in META-INF/services.
 */
public final class ClassArchiveDuringOracle implements LauncherSessionListener {

  private Thread archiving;

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    if (Mode.current() != Mode.ORACLE) {
      return;
    }
    archiving =
        new Thread(
            () -> {
              try {
                ServerProcess.prepareClassArchive();
              } catch (IOException | RuntimeException e) {
                System.err.println("e2e: no class archive made during the oracle run: " + e);
              }
            },
            "class-archive");
    archiving.setDaemon(true);
    archiving.start();
  }

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    if (archiving != null) {
      try {
        archiving.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
