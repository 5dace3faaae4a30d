// Runs a migration's SQL script in one round trip on the migration's own connection: PGlite's
// exec() and node-postgres' simple query protocol both take many statements at once. Statement by
// statement, creating LaminDB's 85 tables costs about twice as long on PGlite. The connection is
// reached through the driver interface db/connection/pooled-query.ts owns.
export { execScript } from "../connection/pooled-query";
