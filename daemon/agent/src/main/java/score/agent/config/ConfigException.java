package score.agent.config;

/** A configuration file that cannot be used, with the file, line and reason. */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConfigException(final String message) {
    super(message);
  }
}
