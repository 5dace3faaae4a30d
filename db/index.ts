// The public API of db/: connect() and every registry, usable from plain Node (dist/db.js).
export { connect, type ConnectOptions } from "./connect";
export { Instance, type InstanceInfo } from "./instance";
export * from "./errors";
export { mapDbError } from "./connection/db-errors";
export { Q, QObject, type Expressions } from "./query/q";
export { QuerySet } from "./query/queryset";
export { SQLRecord } from "./records/sqlrecord";
export type { Alongside } from "./records/write";
export { RUN_STATUS_CODES, RUN_STATUSES } from "./status";
export { hashString } from "./hash";
export * from "./shapes";
export { Run, type RunOptions } from "./registries/run";
export { Transform, TRANSFORM_KINDS, type TransformKind } from "./registries/transform";
export { Artifact } from "./registries/artifact";
export { Collection } from "./registries/collection";
export { ULabel } from "./registries/ulabel";
export { Record } from "./registries/record";
export { Project } from "./registries/project";
export { Feature } from "./registries/feature";
export { JsonValue } from "./registries/jsonvalue";
export { User } from "./registries/user";
export { Branch } from "./registries/branch";
export { Space } from "./registries/space";
export { Storage } from "./registries/storage";
export { RunBlock } from "./registries/runblock";
export { Schema } from "./registries/schema";
export { Reference } from "./registries/reference";
export {
  Block,
  ArtifactBlock,
  BranchBlock,
  CollectionBlock,
  FeatureBlock,
  ProjectBlock,
  RecordBlock,
  SchemaBlock,
  SpaceBlock,
  TransformBlock,
  ULabelBlock,
} from "./registries/blocks";
// For the language server, which holds an embedded folder and serves it to other windows.
export { FolderLock, holderAlive, readLockHolder, type LockHolder } from "./connection/folder-lock";
export { makePrivate } from "./connection/private-folder";
export { createPglite } from "./connection/pglite";
export { redactUrl } from "./connection/postgres";
export { defaultLookupField, lookupKey, type Lookup, type LookupOptions } from "./query/lookup";
export { type SearchOptions } from "./query/search";
export {
  runTypeahead,
  typeahead,
  typeaheadStatement,
  type TypeaheadOptions,
  type TypeaheadPlan,
  type TypeaheadRow,
} from "./query/typeahead";
export { type Scored } from "./query/queryset";
export { type ToDataFrameOptions } from "./query/dataframe";
export { setInstances, instanceNames, closeNamedInstances, NamedInstances } from "./instances";
export { RecordList } from "./records/record-list";
export { allRegistries, registryOf, type AnyRegistry } from "./records/registry-map";
export type { ModelSpec, FieldSpec, ForeignKeySpec, ManyToManySpec } from "./schema/fields";
export { FeatureManager, type FeatureValue } from "./features/manager";
export { type DescriptionResult, type DescribeOptions } from "./describe/describe";
export { COUNT_BOUND, DEFAULT_DATAFRAME_LIMIT } from "./query/dataframe";
export { LOOKUPS, TEXT_LOOKUPS, isLookup } from "./query/field-lookups";
export {
  statementCounts,
  withCancellation,
  withStatementTimeout,
  type StatementCounts,
} from "./connection/statement-guard";
