// Saving many records at once: new records of a non-versioned registry go in one INSERT ... RETURNING
// per chunk (PostgreSQL binds at most 65,535 parameters per statement); the others are saved one by one.
import { Instance } from "../instance";
import type { RegistryClass, SQLRecord } from "./sqlrecord";
import { assignRow, columnValues, instanceOf, prepareInsert } from "./write";

export async function saveAll(records: SQLRecord[]): Promise<void> {
  const fresh = records.filter((r) => r.id === undefined || r.id === null);
  const byRegistry = new Map<RegistryClass, SQLRecord[]>();
  for (const r of fresh) {
    const cls = r.constructor as RegistryClass;
    byRegistry.set(cls, [...(byRegistry.get(cls) ?? []), r]);
  }
  for (const [cls, group] of byRegistry) {
    const model = cls.spec;
    if (model.versioned) {
      for (const r of group) await r.save();
      continue;
    }
    const instance: Instance = instanceOf(group[0]);
    const rows = group.map((r) => {
      prepareInsert(r, instance);
      return columnValues(r, model);
    });
    // rows may set different columns: insert each distinct column set together
    const shapes = new Map<string, number[]>();
    rows.forEach((row, i) => {
      const key = Object.keys(row).sort().join(",");
      shapes.set(key, [...(shapes.get(key) ?? []), i]);
    });
    await instance.transaction(async (trx) => {
      for (const indexes of shapes.values()) {
        const columns = Object.keys(rows[indexes[0]]).length || 1;
        const chunk = Math.max(1, Math.floor(60_000 / columns));
        for (let i = 0; i < indexes.length; i += chunk) {
          const part = indexes.slice(i, i + chunk);
          const inserted = await trx(model.table)
            .insert(part.map((j) => rows[j]))
            .returning("*");
          // match returned rows by uid where there is one, rather than trusting the row order
          const byUid = new Map(part.map((j) => [String(rows[j].uid), j]));
          inserted.forEach((row: Record<string, unknown>, k: number) => {
            const j = model.uid ? byUid.get(String(row.uid)) : part[k];
            assignRow(group[j ?? part[k]], model, row);
          });
        }
      }
    });
  }
  for (const r of records) if (r.id === undefined || r.id === null) await r.save();
}
