// Readme and comment blocks (LaminDB's Block and the blocks of each registry; RunBlock has its own
// file and is created by this library): read here, created in LaminDB.
import { defineRegistry } from "../records/sqlrecord";
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

abstract class BlockRecord extends ReadOnlyRecord {
  declare uid: string;
  declare content: string;
  declare hash: string | null;
  declare kind: string;
  declare version_tag: string | null;
  declare is_latest: boolean;
  declare created_at: Date;
}

export class Block extends BlockRecord {
  static override readonly spec = BlockSpec;
  constructor() {
    super("Block");
  }
}
defineRegistry(Block);

export class ArtifactBlock extends BlockRecord {
  static override readonly spec = ArtifactBlockSpec;
  constructor() {
    super("ArtifactBlock");
  }
}
defineRegistry(ArtifactBlock);

export class BranchBlock extends BlockRecord {
  static override readonly spec = BranchBlockSpec;
  constructor() {
    super("BranchBlock");
  }
}
defineRegistry(BranchBlock);

export class CollectionBlock extends BlockRecord {
  static override readonly spec = CollectionBlockSpec;
  constructor() {
    super("CollectionBlock");
  }
}
defineRegistry(CollectionBlock);

export class FeatureBlock extends BlockRecord {
  static override readonly spec = FeatureBlockSpec;
  constructor() {
    super("FeatureBlock");
  }
}
defineRegistry(FeatureBlock);

export class ProjectBlock extends BlockRecord {
  static override readonly spec = ProjectBlockSpec;
  constructor() {
    super("ProjectBlock");
  }
}
defineRegistry(ProjectBlock);

export class RecordBlock extends BlockRecord {
  static override readonly spec = RecordBlockSpec;
  constructor() {
    super("RecordBlock");
  }
}
defineRegistry(RecordBlock);

export class SchemaBlock extends BlockRecord {
  static override readonly spec = SchemaBlockSpec;
  constructor() {
    super("SchemaBlock");
  }
}
defineRegistry(SchemaBlock);

export class SpaceBlock extends BlockRecord {
  static override readonly spec = SpaceBlockSpec;
  constructor() {
    super("SpaceBlock");
  }
}
defineRegistry(SpaceBlock);

export class TransformBlock extends BlockRecord {
  static override readonly spec = TransformBlockSpec;
  constructor() {
    super("TransformBlock");
  }
}
defineRegistry(TransformBlock);

export class ULabelBlock extends BlockRecord {
  static override readonly spec = ULabelBlockSpec;
  constructor() {
    super("ULabelBlock");
  }
}
defineRegistry(ULabelBlock);
