// A throwaway Neo4j 5.26 for the tests: an embedded DBMS with Bolt on 127.0.0.1.
// Usage: java -cp <classpath> TestNeo4j.java <data-dir> <port> <password>
// Prints "READY" once Bolt accepts connections; stops cleanly on SIGTERM.
import java.nio.file.Path;
import java.time.Duration;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

public class TestNeo4j {
  public static void main(String[] args) throws Exception {
    var dbms = new DatabaseManagementServiceBuilder(Path.of(args[0]))
        .setConfig(BoltConnector.enabled, true)
        .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", Integer.parseInt(args[1])))
        .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
        .setConfig(HttpConnector.enabled, false)
        .setConfig(GraphDatabaseSettings.auth_enabled, true)
        .setConfig(GraphDatabaseSettings.pagecache_memory, 256L * 1024 * 1024)
        .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofMinutes(5))
        .build();
    Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown));
    GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
    // The built-in user must not require a password change, or every Bolt client is refused.
    // A restart on the same data finds the password already set, which Neo4j refuses to set again.
    try {
      system.executeTransactionally(
          "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", java.util.Map.of("password", args[2]));
    } catch (RuntimeException error) {
      if (!String.valueOf(error.getMessage()).contains("cannot be the same")) {
        error.printStackTrace();
        System.exit(1);
      }
    }
    System.out.println("READY");
    System.out.flush();
    Thread.currentThread().join();
  }
}
