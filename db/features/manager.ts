// run.features: LaminDB's FeatureManager for runs. Simple values are JsonValue rows shared per
// (feature, hash) and linked through lamindb_runjsonvalue; record-typed values link the Record
// through lamindb_runrecord with the feature. Keys must be existing features, as LaminDB validates.
import type { Knex } from "knex";
import { InvalidArgument, ValidationError } from "../errors";
import type { Instance } from "../instance";
import type { JsonValue } from "../shapes";
import { categoricalRegistry, checkFeatureValue, suggestDtype } from "./dtypes";
import { jsonValueHash } from "./python-hash";

interface FeatureRow {
  id: number;
  name: string;
  _dtype_str: string | null;
}

export interface FeatureValue {
  name: string;
  dtype: string;
  value: JsonValue;
  categorical: boolean;
}

/** What the manager needs of its run, without importing the registry (no cycle). */
export interface FeatureHost {
  readonly id: number | undefined;
  readonly _instance: Instance;
}

export class FeatureManager {
  constructor(private readonly run: FeatureHost) {}

  private runId(): number {
    const id = this.run.id;
    if (id === undefined || id === null)
      throw new InvalidArgument("Save the run before annotating it with features");
    return id;
  }

  /** Adds values, keeping the ones already there. */
  async addValues(values: Record<string, unknown>): Promise<void> {
    await this.write(values, false);
  }

  /** Replaces all feature values of the run with these. */
  async setValues(values: Record<string, unknown>): Promise<void> {
    await this.write(values, true);
  }

  /** Removes the values of the named features (all features when none are named). */
  async removeValues(names?: string[]): Promise<void> {
    const runId = this.runId();
    await this.run._instance.transaction(async (trx) => this.remove(trx, runId, names));
  }

  /** The run's feature values: categorical first, then the rest, each sorted by name (as describe() lists them). */
  async getValues(): Promise<FeatureValue[]> {
    const runId = this.runId();
    const rows = await this.run._instance.run(
      async (db) =>
        (
          await db.raw(
            `SELECT f.name, f._dtype_str AS dtype, jv.value, FALSE AS categorical FROM lamindb_runjsonvalue l
             JOIN lamindb_jsonvalue jv ON jv.id = l.jsonvalue_id JOIN lamindb_feature f ON f.id = jv.feature_id WHERE l.run_id = ?
           UNION ALL
           SELECT f.name, f._dtype_str AS dtype, to_jsonb(r.name) AS value, TRUE AS categorical FROM lamindb_runrecord l
             JOIN lamindb_record r ON r.id = l.record_id JOIN lamindb_feature f ON f.id = l.feature_id WHERE l.run_id = ?`,
            [runId, runId],
          )
        ).rows,
    );
    const grouped = new Map<string, FeatureValue & { values: JsonValue[] }>();
    for (const r of rows as Array<{
      name: string;
      dtype: string | null;
      value: JsonValue;
      categorical: boolean;
    }>) {
      const g = grouped.get(r.name) ?? {
        name: r.name,
        dtype: r.dtype ?? "",
        value: null,
        categorical: r.categorical,
        values: [],
      };
      g.values.push(r.value);
      grouped.set(r.name, g);
    }
    return [...grouped.values()]
      .map(({ values, ...g }) => ({ ...g, value: values.length === 1 ? values[0] : values }))
      .sort((a, b) => Number(b.categorical) - Number(a.categorical) || a.name.localeCompare(b.name));
  }

  private async remove(trx: Knex.Transaction, runId: number, names?: string[]): Promise<void> {
    const featureIds = () =>
      trx("lamindb_feature")
        .select("id")
        .whereIn("name", names ?? []);
    const values = trx("lamindb_jsonvalue").select("id").whereNotNull("feature_id");
    if (names) values.whereIn("feature_id", featureIds());
    await trx("lamindb_runjsonvalue").where({ run_id: runId }).whereIn("jsonvalue_id", values).delete();
    const records = trx("lamindb_runrecord").where({ run_id: runId }).whereNotNull("feature_id");
    if (names) records.whereIn("feature_id", featureIds());
    await records.delete();
  }

  private async write(values: Record<string, unknown>, replace: boolean): Promise<void> {
    if (values === null || typeof values !== "object" || Array.isArray(values)) {
      throw new InvalidArgument("features take an object of feature name -> value");
    }
    const runId = this.runId();
    const instance = this.run._instance;
    const names = Object.keys(values);
    await instance.transaction(async (trx) => {
      const features: FeatureRow[] = names.length
        ? await trx("lamindb_feature")
            .select("id", "name", "_dtype_str")
            .whereIn("name", names)
            .andWhere({ is_type: false })
        : [];
      const byName = new Map(features.map((f) => [f.name, f]));
      const missing = names.filter((n) => !byName.has(n));
      if (missing.length > 0) {
        const how = missing
          .map(
            (n) =>
              `  await new Feature({ name: ${JSON.stringify(n)}, dtype: ${JSON.stringify(suggestDtype(values[n]))} }).save();`,
          )
          .join("\n");
        throw new ValidationError(
          `These keys could not be validated: ${JSON.stringify(missing)}\nHere is how to create a feature:\n${how}`,
        );
      }
      if (replace) await this.remove(trx, runId);
      for (const name of names) {
        const feature = byName.get(name)!;
        const dtype = feature._dtype_str ?? "";
        const raw = values[name];
        const registry = categoricalRegistry(dtype);
        if (registry) {
          await this.linkRecords(trx, runId, feature, registry, Array.isArray(raw) ? raw : [raw]);
          continue;
        }
        const value = checkFeatureValue(name, dtype, raw);
        const hash = jsonValueHash(value, dtype);
        await trx("lamindb_jsonvalue")
          .insert({
            feature_id: feature.id,
            value: JSON.stringify(value),
            hash,
            created_by_id: instance.userId,
          })
          .onConflict(["feature_id", "hash"])
          .ignore();
        const jv = await trx("lamindb_jsonvalue")
          .select("id")
          .where({ feature_id: feature.id, hash })
          .first();
        await trx("lamindb_runjsonvalue")
          .insert({ run_id: runId, jsonvalue_id: jv.id, created_by_id: instance.userId })
          .onConflict(["run_id", "jsonvalue_id"])
          .ignore();
      }
    });
  }

  private async linkRecords(
    trx: Knex.Transaction,
    runId: number,
    feature: FeatureRow,
    registry: string,
    values: unknown[],
  ) {
    if (registry !== "Record") {
      // lamindb_runulabel and lamindb_runproject have no feature column in LaminDB's schema
      throw new InvalidArgument(
        `Feature '${feature.name}' has dtype ${feature._dtype_str}: runs take categorical features of Record only`,
      );
    }
    for (const v of values) {
      let recordId: number;
      if (typeof v === "string") {
        const found = await trx("lamindb_record")
          .select("id")
          .where({ name: v })
          .whereNot("branch_id", -1)
          .orderBy("id");
        if (found.length === 0) {
          throw new ValidationError(
            `Feature '${feature.name}': no Record named ${JSON.stringify(v)}; create it first`,
            feature.name,
          );
        }
        recordId = found[0].id;
      } else if (
        v !== null &&
        typeof v === "object" &&
        "id" in v &&
        typeof (v as { id: unknown }).id === "number"
      ) {
        recordId = (v as { id: number }).id;
      } else {
        throw new ValidationError(`Feature '${feature.name}' takes Record names or records`, feature.name);
      }
      const exists = await trx("lamindb_runrecord")
        .where({ run_id: runId, record_id: recordId, feature_id: feature.id })
        .first();
      if (!exists) {
        await trx("lamindb_runrecord").insert({
          run_id: runId,
          record_id: recordId,
          feature_id: feature.id,
          created_by_id: this.run._instance.userId,
        });
      }
    }
  }
}
