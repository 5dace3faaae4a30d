// The MIME types, spelled out here because renderer/ takes only types from db/shapes (no runtime import).
// test/renderer checks they equal the constants in db/shapes.
export const DESCRIBE_MIME = "application/vnd.lamindb.describe+json";
export const DATAFRAME_MIME = "application/vnd.lamindb.dataframe+json";
export const DATARESOURCE_MIME = "application/vnd.dataresource+json";
