package io.datashard.cli;

/** A failure the command line reports as one line with a chosen exit code. */
final class CliException extends RuntimeException {
  private final int exitCode;

  CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  static CliException invalidInput(String message) {
    return new CliException(DataShardCli.ExitCodes.INVALID_INPUT, message);
  }

  /** A bad option value: exit 2, like every usage error (docs/cli.md, "Exit codes"). */
  static CliException badOption(String message) {
    return new CliException(DataShardCli.ExitCodes.USAGE, message);
  }

  int exitCode() {
    return exitCode;
  }
}
