// Maps driver errors to the library's typed errors, so callers never see a raw SQL error.
import { DatabaseError, IntegrityError, InvalidArgument, LaminError, ValidationError } from "../errors";

interface DriverError {
  code?: string;
  constraint?: string;
  detail?: string;
  message?: string;
}

export function mapDbError(e: unknown, where?: string): Error {
  if (e instanceof LaminError) return e;
  const err = (e ?? {}) as DriverError;
  const code = err.code ?? "";
  const text = String(err.message ?? e).replace(/^.* - /s, ""); // knex prefixes the SQL text
  switch (true) {
    case code === "23505":
      return new IntegrityError(`Duplicate value: ${err.detail ?? text}`, err.constraint);
    case code === "23503":
      return new IntegrityError(
        `A related record is missing or still referenced: ${err.detail ?? text}`,
        err.constraint,
      );
    case code === "23502" || code === "23514":
      return new IntegrityError(text, err.constraint);
    case code === "22001":
      return new ValidationError(`A value is too long for its column: ${text}`);
    case code === "2201B":
      return new InvalidArgument(`Invalid regular expression: ${text}`);
    case code.startsWith("22"):
      return new InvalidArgument(`Invalid value: ${text}`);
    case code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "ETIMEDOUT" || code.startsWith("08"):
      return new DatabaseError(
        `Cannot reach the database${where ? ` at ${where}` : ""} (${code}): is the server running, and is the URL right?`,
        code,
      );
    case code === "28P01" || code === "28000":
      return new DatabaseError(
        `The database refused the credentials (${text}). Check the user and password.`,
        code,
      );
    case code === "3D000":
      return new DatabaseError(`The database does not exist (${text}). Create it or fix the URL.`, code);
    case /Timeout acquiring a connection/i.test(text):
      return new DatabaseError(
        `Timed out connecting to the database${where ? ` at ${where}` : ""}: is the server running?`,
        "ETIMEDOUT",
      );
    default:
      return new DatabaseError(`Database error${code ? ` ${code}` : ""}: ${text}`, code || undefined);
  }
}
