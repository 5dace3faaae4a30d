// Maps driver errors to the library's typed errors, so callers never see a raw SQL error. The
// driver's error is kept as `cause`; connection failures of every kind become one ConnectionError.
import {
  ConnectionError,
  DatabaseError,
  IntegrityError,
  InvalidArgument,
  LaminError,
  ValidationError,
} from "../errors";

interface DriverError {
  code?: string;
  constraint?: string;
  detail?: string;
  message?: string;
}

// Node's socket errors and SQLSTATE class 08 (connection exception): the server was never reached
const UNREACHABLE_CODES = /^(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|08)/;
// what pg and knex say, without a code, when a connection dies or never comes
const CONNECTION_MESSAGES =
  /Connection terminated|Client has encountered a connection error|Timeout acquiring a connection/i;

export function mapDbError(e: unknown, where?: string): Error {
  if (e instanceof LaminError) return e;
  const err = (e ?? {}) as DriverError;
  const code = err.code ?? "";
  const text = String(err.message ?? e).replace(/^.* - /s, ""); // knex prefixes the SQL text
  const cause = { cause: e };
  const at = where ? ` at ${where}` : "";
  switch (true) {
    case code === "23505":
      return new IntegrityError(`Duplicate value: ${err.detail ?? text}`, err.constraint, cause);
    case code === "23503":
      return new IntegrityError(
        `A related record is missing or still referenced: ${err.detail ?? text}`,
        err.constraint,
        cause,
      );
    case code === "23502" || code === "23514":
      return new IntegrityError(text, err.constraint, cause);
    case code === "22001":
      return new ValidationError(`A value is too long for its column: ${text}`, undefined, cause);
    case code === "2201B":
      return new InvalidArgument(`Invalid regular expression: ${text}`, cause);
    case code.startsWith("22"):
      return new InvalidArgument(`Invalid value: ${text}`, cause);
    // the server shut down (57P) or the socket broke: the connection is gone
    case code.startsWith("57P") || code === "ECONNRESET" || code === "EPIPE":
      return new ConnectionError(`Database error ${code}: ${text}`, code, cause);
    case UNREACHABLE_CODES.test(code):
      return new ConnectionError(
        `Cannot reach the database${at} (${code}): is the server running, and is the URL right?`,
        code,
        cause,
      );
    case code === "28P01" || code === "28000":
      return new DatabaseError(
        `The database refused the credentials (${text}). Check the user and password.`,
        code,
        cause,
      );
    case code === "3D000":
      return new DatabaseError(
        `The database does not exist (${text}). Create it or fix the URL.`,
        code,
        cause,
      );
    case /Timeout acquiring a connection/i.test(text):
      return new ConnectionError(
        `Timed out connecting to the database${at}: is the server running?`,
        "ETIMEDOUT",
        cause,
      );
    case CONNECTION_MESSAGES.test(text):
      return new ConnectionError(
        `Lost the connection to the database${at}: ${text}`,
        code || undefined,
        cause,
      );
    default:
      return new DatabaseError(`Database error${code ? ` ${code}` : ""}: ${text}`, code || undefined, cause);
  }
}
