// Maps errors of the query API and the server to LSP ResponseErrors with clear messages.
import { ResponseError } from "vscode-languageserver";
import { LAMIN_ERROR_CODES, type LaminErrorData } from "./protocol";
import { errorMessage } from "./log";

/**
 * SQLSTATE classes after which the same request can succeed unchanged: serialization failure and
 * deadlock (40), insufficient resources (53), lock not available (55P03), a statement cancelled by its
 * timeout (57014). Any other DatabaseError is the request's own failure: retrying it (a tracking event
 * is retried while the database is "unavailable") would repeat it for ever.
 */
const TRANSIENT = /^(40|53|55P03$|57014$)/;

function unavailable(name: string, code: unknown): boolean {
  if (name === "ConnectionError" || name === "NotConnected") return true;
  return name === "DatabaseError" && typeof code === "string" && TRANSIENT.test(code);
}

export function toResponseError(e: unknown): ResponseError<LaminErrorData> {
  if (e instanceof ResponseError) return e as ResponseError<LaminErrorData>;
  const name = typeof (e as { name?: unknown })?.name === "string" ? (e as { name: string }).name : "Error";
  const message = errorMessage(e);
  const code = unavailable(name, (e as { code?: unknown }).code)
    ? LAMIN_ERROR_CODES.databaseUnavailable
    : name === "WriteRefused"
      ? LAMIN_ERROR_CODES.writeRefused
      : name === "DoesNotExist" || name === "MultipleResultsFound"
        ? LAMIN_ERROR_CODES.notFound
        : name === "InvalidArgument" ||
            name === "FieldError" ||
            name === "ValidationError" ||
            name === "FieldValidationError"
          ? LAMIN_ERROR_CODES.invalidParams
          : name === "SourceUnknown"
            ? LAMIN_ERROR_CODES.sourceUnknown
            : LAMIN_ERROR_CODES.requestFailed;
  return new ResponseError(code, message, { name });
}
