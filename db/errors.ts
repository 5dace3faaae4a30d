// Typed errors, named as in LaminDB (lamindb/errors.py and Django's exceptions) so that a LaminDB
// user recognises them. Every error a caller can cause is one of these, never a raw driver error;
// the driver's error stays reachable as `cause` (its stack, SQLSTATE, detail, table, constraint).

export class LaminError extends Error {
  override name = "LaminError";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** An unknown field name in a filter, a constructor or refreshFromDb(). */
export class FieldError extends LaminError {
  override name = "FieldError";
  constructor(
    message: string,
    readonly field: string,
    readonly available: string[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
  static unknown(field: string, available: string[], registry?: string): FieldError {
    const where = registry ? ` on ${registry}` : "";
    return new FieldError(
      `Unknown field '${field}'${where}. Available fields: ${available.join(", ")}`,
      field,
      available,
    );
  }
}

/** get() found nothing (Django's ObjectDoesNotExist). */
export class DoesNotExist extends LaminError {
  override name = "DoesNotExist";
}

/** get() found more than one record (Django's MultipleObjectsReturned). */
export class MultipleResultsFound extends LaminError {
  override name = "MultipleResultsFound";
}

/** An argument of the wrong kind or shape: a malformed uid, an unknown status, a bad lookup value. */
export class InvalidArgument extends LaminError {
  override name = "InvalidArgument";
}

/** A value that cannot be stored: not JSON, too long for its column, the wrong type. */
export class ValidationError extends LaminError {
  override name = "ValidationError";
  constructor(
    message: string,
    readonly field?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * A constructor argument outside its field's allowed values (LaminDB's FieldValidationError, raised
 * for a Literal field such as Transform.kind; like LaminDB's, not a ValidationError).
 */
export class FieldValidationError extends LaminError {
  override name = "FieldValidationError";
  constructor(
    message: string,
    readonly field?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A change to a record whose is_locked flag is set. */
export class NoWriteAccess extends LaminError {
  override name = "NoWriteAccess";
}

/** A uniqueness or reference rule of the database would be broken. */
export class IntegrityError extends LaminError {
  override name = "IntegrityError";
  constructor(
    message: string,
    readonly constraint?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A permanent delete refused because other records point to this one with PROTECT. */
export class ProtectedError extends IntegrityError {
  override name = "ProtectedError";
  constructor(
    message: string,
    readonly protectedBy: Array<{ registry: string; ids: number[] }>,
  ) {
    super(message);
  }
}

/** The embedded database folder is held by another process. */
export class InstanceLockedError extends LaminError {
  override name = "InstanceLockedError";
  constructor(
    message: string,
    readonly holder: { pid: number; hostname: string; startedAt: string; port?: number },
  ) {
    super(message);
  }
}

/** The database could not be reached or failed; the message says what to do next. */
export class DatabaseError extends LaminError {
  override name = "DatabaseError";
  constructor(
    message: string,
    readonly code?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The database cannot be reached, or the connection to it was lost (refused, reset, timed out, shut
 * down by the server). Whoever holds the connection reconnects; the statement may be retried then.
 */
export class ConnectionError extends DatabaseError {
  override name = "ConnectionError";
}

/**
 * The caller cancelled the work (an AbortSignal given to withCancellation()): its running statement was
 * cancelled on the server (PostgreSQL), or the next statement was not sent (PGlite).
 */
export class Cancelled extends LaminError {
  override name = "Cancelled";
}

/** No connection was opened before a registry was used. */
export class NotConnected extends LaminError {
  override name = "NotConnected";
}

/** A read-only instance (an untrusted workspace) on a database that would need migrating first. */
export class NotMigrated extends DatabaseError {
  override name = "NotMigrated";
}
