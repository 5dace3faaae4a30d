// Readme and comment blocks (LaminDB's Block and the blocks of each registry; RunBlock has its own
// file and is created by this library): read here, created in LaminDB. Each class's fields and
// relations come from its model declaration (schema/record-types.ts).
import { defineRegistry } from "../records/sqlrecord";
import type { RecordOf } from "../schema/record-types";
import { BlockSpec } from "../schema/models/block";
import {
  ArtifactBlockSpec,
  BranchBlockSpec,
  CollectionBlockSpec,
  FeatureBlockSpec,
  ProjectBlockSpec,
  RecordBlockSpec,
  SchemaBlockSpec,
  SpaceBlockSpec,
  TransformBlockSpec,
  ULabelBlockSpec,
} from "../schema/models/blocks";
import { ReadOnlyRecord } from "./readonly";

export interface Block extends RecordOf<typeof BlockSpec> {}
export class Block extends ReadOnlyRecord {
  static override readonly spec = BlockSpec;
  constructor() {
    super("Block");
  }
}
defineRegistry(Block);

export interface ArtifactBlock extends RecordOf<typeof ArtifactBlockSpec> {}
export class ArtifactBlock extends ReadOnlyRecord {
  static override readonly spec = ArtifactBlockSpec;
  constructor() {
    super("ArtifactBlock");
  }
}
defineRegistry(ArtifactBlock);

export interface BranchBlock extends RecordOf<typeof BranchBlockSpec> {}
export class BranchBlock extends ReadOnlyRecord {
  static override readonly spec = BranchBlockSpec;
  constructor() {
    super("BranchBlock");
  }
}
defineRegistry(BranchBlock);

export interface CollectionBlock extends RecordOf<typeof CollectionBlockSpec> {}
export class CollectionBlock extends ReadOnlyRecord {
  static override readonly spec = CollectionBlockSpec;
  constructor() {
    super("CollectionBlock");
  }
}
defineRegistry(CollectionBlock);

export interface FeatureBlock extends RecordOf<typeof FeatureBlockSpec> {}
export class FeatureBlock extends ReadOnlyRecord {
  static override readonly spec = FeatureBlockSpec;
  constructor() {
    super("FeatureBlock");
  }
}
defineRegistry(FeatureBlock);

export interface ProjectBlock extends RecordOf<typeof ProjectBlockSpec> {}
export class ProjectBlock extends ReadOnlyRecord {
  static override readonly spec = ProjectBlockSpec;
  constructor() {
    super("ProjectBlock");
  }
}
defineRegistry(ProjectBlock);

export interface RecordBlock extends RecordOf<typeof RecordBlockSpec> {}
export class RecordBlock extends ReadOnlyRecord {
  static override readonly spec = RecordBlockSpec;
  constructor() {
    super("RecordBlock");
  }
}
defineRegistry(RecordBlock);

export interface SchemaBlock extends RecordOf<typeof SchemaBlockSpec> {}
export class SchemaBlock extends ReadOnlyRecord {
  static override readonly spec = SchemaBlockSpec;
  constructor() {
    super("SchemaBlock");
  }
}
defineRegistry(SchemaBlock);

export interface SpaceBlock extends RecordOf<typeof SpaceBlockSpec> {}
export class SpaceBlock extends ReadOnlyRecord {
  static override readonly spec = SpaceBlockSpec;
  constructor() {
    super("SpaceBlock");
  }
}
defineRegistry(SpaceBlock);

export interface TransformBlock extends RecordOf<typeof TransformBlockSpec> {}
export class TransformBlock extends ReadOnlyRecord {
  static override readonly spec = TransformBlockSpec;
  constructor() {
    super("TransformBlock");
  }
}
defineRegistry(TransformBlock);

export interface ULabelBlock extends RecordOf<typeof ULabelBlockSpec> {}
export class ULabelBlock extends ReadOnlyRecord {
  static override readonly spec = ULabelBlockSpec;
  constructor() {
    super("ULabelBlock");
  }
}
defineRegistry(ULabelBlock);

declare module "../schema/record-types" {
  interface Registries {
    Block: Block;
    ArtifactBlock: ArtifactBlock;
    BranchBlock: BranchBlock;
    CollectionBlock: CollectionBlock;
    FeatureBlock: FeatureBlock;
    ProjectBlock: ProjectBlock;
    RecordBlock: RecordBlock;
    SchemaBlock: SchemaBlock;
    SpaceBlock: SpaceBlock;
    TransformBlock: TransformBlock;
    ULabelBlock: ULabelBlock;
  }
}
