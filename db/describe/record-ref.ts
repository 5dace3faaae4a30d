// RecordRef: how a record is named in describe() output, lineage and links.
import type { ModelSpec } from "../schema/fields";
import type { RecordRef } from "../shapes";
import { statusName } from "../status";

export function recordLabel(model: ModelSpec, row: Record<string, unknown>): string {
  const uid = typeof row.uid === "string" ? row.uid : String(row.id);
  if (model.name === "Run") return typeof row.name === "string" && row.name ? row.name : uid.slice(0, 7);
  const field = model.nameField;
  const value = field ? row[field] : row.name;
  return typeof value === "string" && value !== "" ? value : uid.slice(0, 7);
}

export function recordRef(model: ModelSpec, row: Record<string, unknown>): RecordRef {
  const ref: RecordRef = {
    registry: model.name,
    id: Number(row.id),
    uid: typeof row.uid === "string" ? row.uid : String(row.id),
    label: recordLabel(model, row),
  };
  if (model.name === "Run" && typeof row._status_code === "number") ref.status = statusName(row._status_code);
  return ref;
}
