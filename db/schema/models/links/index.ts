// Every link table: `through` models and Django's auto-created many-to-many tables.
import type { ModelSpec } from "../../fields";
import { artifactLinks } from "./artifact";
import { blockLinks } from "./block";
import { branchLinks } from "./branch";
import { collectionLinks } from "./collection";
import { featureLinks } from "./feature";
import { projectLinks } from "./project";
import { recordLinks } from "./record";
import { referenceLinks } from "./reference";
import { runLinks } from "./run";
import { schemaLinks } from "./schema";
import { transformLinks } from "./transform";
import { ulabelLinks } from "./ulabel";

export const linkSpecs: ModelSpec[] = [
  ...artifactLinks,
  ...blockLinks,
  ...branchLinks,
  ...collectionLinks,
  ...featureLinks,
  ...projectLinks,
  ...recordLinks,
  ...referenceLinks,
  ...runLinks,
  ...schemaLinks,
  ...transformLinks,
  ...ulabelLinks,
];
