// DataShard JShell startup: the API on the class path, imported. Loaded by bin/jshell after JShell's DEFAULT imports.
import io.datashard.*;
import io.datashard.expressions.Expression;
import io.datashard.expressions.Expressions;
import static io.datashard.expressions.Expressions.*;
import io.datashard.tablesaw.Tablesaw;
import java.time.*;
System.out.println("DataShard ready: DataShard.loadTable(\"name\").show(), Warehouse.local(Path.of(\"warehouse\")), Tablesaw.toTable(scan)");
