// Maps errors of the query API and the server to LSP ResponseErrors with clear messages.
import { ResponseError } from "vscode-languageserver";
import { LAMIN_ERROR_CODES, type LaminErrorData } from "./protocol";
import { errorMessage } from "./log";

export function toResponseError(e: unknown): ResponseError<LaminErrorData> {
  if (e instanceof ResponseError) return e as ResponseError<LaminErrorData>;
  const name = typeof (e as { name?: unknown })?.name === "string" ? (e as { name: string }).name : "Error";
  const message = errorMessage(e);
  const code =
    name === "DatabaseError" || name === "ConnectionError" || name === "NotConnected"
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
