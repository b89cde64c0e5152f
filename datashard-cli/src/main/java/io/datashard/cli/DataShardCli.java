package io.datashard.cli;

import io.datashard.CommitConflictException;
import io.datashard.CorruptMetadataException;
import io.datashard.DataShardException;
import io.datashard.RecordValidationException;
import io.datashard.StorageException;
import io.datashard.TableAlreadyExistsException;
import io.datashard.TableNotFoundException;
import io.datashard.ValidationException;
import io.datashard.Warehouse;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code datashard} command. Every subcommand reads the warehouse from the same {@code DATASHARD_*}
 * variables as the library, overridable by the global options; errors are one line on stderr (the stack trace
 * only with {@code --verbose}) and the exit code says what went wrong (see {@link ExitCodes}).
 */
@Command(name = "datashard", mixinStandardHelpOptions = true, version = "datashard 0.1.0-SNAPSHOT",
    description = "ACID tables of Parquet files (Apache Iceberg v2) on local disk or S3-compatible stores.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {
        TablesCommand.class, CreateCommand.class, AppendCommand.class, ScanCommand.class, ChangesCommand.class,
        SnapshotsCommand.class, HistoryCommand.class, DescribeCommand.class, ExpireCommand.class,
        CompactCommand.class, MaintainCommand.class, RemoveOrphansCommand.class, MigrateCommand.class, ReplicateCommand.class, PresignCommand.class, RefsCommand.class,
        RefCommand.Tag.class, RefCommand.Branch.class, RefCommand.Drop.class, RefCommand.FastForward.class,
        SortOrderCommand.class, CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:success",
        "1:unexpected error (a bug: please report it with --verbose output)",
        "2:usage error (unknown command or option, bad option value)",
        "3:table not found",
        "4:table already exists",
        "5:invalid input (schema, filter, data file contents, records not fitting the schema)",
        "6:commit conflict (concurrent commits exhausted the retries)",
        "7:storage error (I/O, S3, corrupt metadata)",
        "8:migration verification failed"},
    footerHeading = "%nEnvironment:%n",
    footer = {
        "  DATASHARD_STORAGE_TYPE   local (default) or s3",
        "  DATASHARD_WAREHOUSE      local warehouse directory (default ./warehouse)",
        "  DATASHARD_S3_ENDPOINT, DATASHARD_S3_BUCKET, DATASHARD_S3_PREFIX, DATASHARD_S3_REGION,",
        "  DATASHARD_S3_ACCESS_KEY, DATASHARD_S3_SECRET_KEY, ... (see docs/s3.md)",
        "  DATASHARD_CATALOG_URI    an Iceberg REST catalog (like --catalog), with DATASHARD_CATALOG_TOKEN or",
        "  DATASHARD_CATALOG_CREDENTIAL (client_id:client_secret), DATASHARD_CATALOG_WAREHOUSE (see docs/catalog.md)"})
public final class DataShardCli {

  @Option(names = {"-w", "--warehouse"}, scope = ScopeType.INHERIT, paramLabel = "LOCATION",
      description = "Warehouse: a local directory or s3://bucket[/prefix] (default: from DATASHARD_* variables, "
          + "else ./warehouse)")
  String warehouse;

  @Option(names = "--catalog", scope = ScopeType.INHERIT, paramLabel = "URI",
      description = "An Iceberg REST catalog keeps the tables (overrides DATASHARD_CATALOG_URI; credentials from "
          + "DATASHARD_CATALOG_TOKEN or DATASHARD_CATALOG_CREDENTIAL)")
  String catalog;

  @Option(names = "--s3-endpoint", scope = ScopeType.INHERIT, paramLabel = "URL",
      description = "S3 endpoint, e.g. http://localhost:9000 (overrides DATASHARD_S3_ENDPOINT)")
  String s3Endpoint;

  @Option(names = "--s3-region", scope = ScopeType.INHERIT, paramLabel = "REGION",
      description = "S3 region (overrides DATASHARD_S3_REGION)")
  String s3Region;

  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
      description = "Print stack traces with errors")
  boolean verbose;

  @Option(names = "--no-progress", scope = ScopeType.INHERIT,
      description = "Never draw progress bars (they are drawn only when stdin and stdout are a terminal)")
  boolean noProgress;

  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;
  private final boolean terminal;

  DataShardCli(Map<String, String> env, PrintStream out, PrintStream err, boolean terminal) {
    this.env = env;
    this.out = out;
    this.err = err;
    this.terminal = terminal;
  }

  /**
   * Runs the command line.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
        StandardCharsets.UTF_8);
    int code = run(args, System.getenv(), out, System.err, System.console() != null);
    out.flush();
    System.exit(code);
  }

  /**
   * Runs one invocation, as {@code main} does, without exiting.
   *
   * @param args the arguments
   * @param env the environment ({@code DATASHARD_*} variables are read from it)
   * @param out standard output
   * @param err standard error
   * @param terminal whether output goes to a terminal (progress bars are drawn only then)
   * @return the exit code
   */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err, boolean terminal) {
    DataShardCli cli = new DataShardCli(env, out, err, terminal);
    CommandLine cmd = new CommandLine(cli);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.setUsageHelpAutoWidth(true);
    cmd.setExpandAtFiles(false); // "@schema.json" names a schema file, not an argument file
    cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      cli.reportError(e);
      return ExitCodes.of(e);
    });
    cmd.setParameterExceptionHandler((e, args1) -> {
      // One line, like every other error: what was wrong, and where to look.
      CommandLine c = e.getCommandLine();
      String suggestions = e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()
          ? "; did you mean " + String.join(" or ", u.getSuggestions()) + "?" : "";
      err.println("datashard: error: " + e.getMessage().replace('\n', ' ').trim() + suggestions + " (see '"
          + c.getCommandSpec().qualifiedName() + " --help')");
      return ExitCodes.USAGE;
    });
    int code = cmd.execute(args);
    out.flush();
    return code;
  }

  void reportError(Throwable e) {
    err.println("datashard: " + ExitCodes.describe(e));
    if (verbose) {
      e.printStackTrace(err);
    } else if (ExitCodes.of(e) == ExitCodes.INTERNAL) {
      err.println("(run with --verbose for the stack trace)");
    }
    err.flush();
  }

  PrintStream out() {
    return out;
  }

  PrintStream err() {
    return err;
  }

  boolean progressEnabled() {
    return terminal && !noProgress;
  }

  Progress progress(String task, long max, String unit) {
    return progressEnabled() ? Progress.bar(task, max, unit, err) : Progress.NONE;
  }

  /** @return the DATASHARD_* settings after the command-line overrides */
  Map<String, String> settings() {
    Map<String, String> s = new HashMap<>();
    env.forEach((k, v) -> {
      if (k.startsWith("DATASHARD_")) {
        s.put(k, v);
      }
    });
    if (warehouse != null) {
      Locations.applyWarehouse(s, warehouse);
    }
    if (catalog != null) {
      s.put("DATASHARD_CATALOG_URI", catalog);
    }
    if (s3Endpoint != null) {
      s.put("DATASHARD_S3_ENDPOINT", s3Endpoint);
    }
    if (s3Region != null) {
      s.put("DATASHARD_S3_REGION", s3Region);
    }
    return s;
  }

  /** @return the warehouse the settings describe; the caller closes it */
  Warehouse openWarehouse() {
    return Warehouse.fromEnvironment(settings());
  }

  /** Exit codes scripts can rely on. */
  static final class ExitCodes {
    static final int OK = 0;
    static final int INTERNAL = 1;
    static final int USAGE = 2;
    static final int NOT_FOUND = 3;
    static final int ALREADY_EXISTS = 4;
    static final int INVALID_INPUT = 5;
    static final int CONFLICT = 6;
    static final int STORAGE = 7;
    static final int VERIFICATION_FAILED = 8;

    private ExitCodes() {
    }

    static int of(Throwable e) {
      if (e instanceof CliException) {
        return ((CliException) e).exitCode();
      }
      if (e instanceof io.datashard.replication.ReplicationVerificationException) {
        return VERIFICATION_FAILED;
      }
      if (e instanceof TableNotFoundException) {
        return NOT_FOUND;
      }
      if (e instanceof TableAlreadyExistsException) {
        return ALREADY_EXISTS;
      }
      if (e instanceof RecordValidationException || e instanceof ValidationException
          || e instanceof IllegalArgumentException) {
        return INVALID_INPUT;
      }
      if (e instanceof CommitConflictException) {
        return CONFLICT;
      }
      if (e instanceof StorageException || e instanceof CorruptMetadataException
          || e instanceof java.io.UncheckedIOException || e instanceof java.io.IOException) {
        return STORAGE;
      }
      if (e instanceof DataShardException) {
        return STORAGE;
      }
      return INTERNAL;
    }

    static String describe(Throwable e) {
      String m = e.getMessage();
      if (m == null || m.isBlank()) {
        m = e.getClass().getSimpleName();
      } else if (of(e) == INTERNAL || e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
        m = e.getClass().getSimpleName() + ": " + m;
      }
      m = m.replace('\n', ' ').replace('\r', ' ');
      return m.toLowerCase(Locale.ROOT).startsWith("error") ? m : "error: " + m;
    }
  }
}
