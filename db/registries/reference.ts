import type { QuerySet } from "../query/queryset";
import { defineRegistry } from "../records/sqlrecord";
import { ReferenceSpec } from "../schema/models/reference";
import type { Artifact } from "./artifact";
import { ReadOnlyRecord } from "./readonly";

/** A reference: a publication, a dataset, a URL (read here, created in LaminDB). */
export class Reference extends ReadOnlyRecord {
  static override readonly spec = ReferenceSpec;

  declare uid: string;
  declare name: string;
  declare description: string | null;
  declare abbr: string | null;
  declare url: string | null;
  declare pubmed_id: number | null;
  declare doi: string | null;
  declare text: string | null;
  declare date: string | null;

  declare readonly artifacts: QuerySet<Artifact>;

  constructor() {
    super("Reference");
  }
}
defineRegistry(Reference);
