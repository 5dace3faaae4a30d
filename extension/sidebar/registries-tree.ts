// The registries the issue lists, with their counts; each opens into its records, paged.
import { pagedChildren } from "./paged-children";
import { ServerTree } from "./server-tree";
import type { TreeNode } from "./nodes";

export const SHOWN_REGISTRIES = ["ULabel", "Project", "Record", "Feature", "Artifact"];

export class RegistriesTree extends ServerTree {
  protected async children(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) {
      const counts = await this.server.request("lamin/registryCounts", {});
      const byName = new Map(counts.map((c) => [c.registry, c.count]));
      return SHOWN_REGISTRIES.filter((r) => byName.has(r)).map((registry) => ({
        kind: "registry",
        registry,
        count: byName.get(registry)!,
      }));
    }
    if (node.kind === "registry")
      return pagedChildren(this.server, { of: "records", registry: node.registry }, 0);
    return [];
  }
}
