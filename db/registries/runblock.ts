import type { Knex } from "knex";
import { hashString } from "../hash";
import { InvalidArgument } from "../errors";
import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import type { RecordOf } from "../schema/record-types";
import { stemOf, type FamilyDecision } from "../records/versioning";
import { RunBlockSpec } from "../schema/models/runblock";
import type { Run } from "./run";

// Fields and relations from RunBlockSpec (schema/record-types.ts).
export interface RunBlock extends RecordOf<typeof RunBlockSpec> {}

/** A block attached to a run: a readme (versioned per run) or a comment. */
export class RunBlock extends SQLRecord {
  static override readonly spec = RunBlockSpec;

  constructor(fields: { run: Run; content: string; kind?: "readme" | "comment" }) {
    if (typeof fields?.content !== "string")
      throw new InvalidArgument("new RunBlock({ run, content }): content is required");
    super({ kind: "readme", ...fields });
    this.hash = hashString(this.content);
  }

  /** A new readme revises the run's latest readme; comments are not versioned. */
  static override async decideFamily(record: RunBlock, trx: Knex.Transaction): Promise<FamilyDecision> {
    if (record.kind !== "readme") return { kind: "new" };
    const latest = await trx("lamindb_runblock")
      .where({ run_id: record.run_id, kind: "readme", is_latest: true })
      .orderBy("id", "desc")
      .first();
    return latest ? { kind: "revise", stem: stemOf(RunBlockSpec, latest.uid) } : { kind: "new" };
  }
}
defineRegistry(RunBlock);

declare module "../schema/record-types" {
  interface Registries {
    RunBlock: RunBlock;
  }
}
