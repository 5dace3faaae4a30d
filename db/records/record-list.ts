// A list of records whose save() inserts the unsaved ones in bulk, as LaminDB's
// Record.from_values([...], field="name").save().
import { saveAll } from "./bulk-save";
import type { SQLRecord } from "./sqlrecord";

export class RecordList<T extends SQLRecord> extends Array<T> {
  static fromRecords<T extends SQLRecord>(records: T[]): RecordList<T> {
    const list = new RecordList<T>();
    list.push(...records);
    return list;
  }

  /** Saves the unsaved records: one INSERT per chunk for non-versioned registries. */
  async save(): Promise<this> {
    await saveAll([...this]);
    return this;
  }

  // Array methods such as map() build plain arrays
  static override get [Symbol.species]() {
    return Array;
  }
}
