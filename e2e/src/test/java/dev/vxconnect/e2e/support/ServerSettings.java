package dev.vxconnect.e2e.support;

import java.util.List;

/**
 * The server a class of compared scenarios runs on in the server run: the shared one, or one of
 * its own started with these {@code --conf key=value} settings (e.g. streams cut after every
 * response). Ignored in the oracle run.
 *
 * @param name the server's name (its log is NAME.log in ServerProcess.logDirectory())
 */
public record ServerSettings(String name, List<String> confs) {

  /** The server most scenarios share, with the default settings. */
  public static final ServerSettings SHARED = new ServerSettings("shared", List.of());

  public ServerSettings {
    confs = List.copyOf(confs);
  }
}
