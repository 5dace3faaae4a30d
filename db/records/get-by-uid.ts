// get() by uid: a full uid, a stem of a versioned family (its latest version), or a unique prefix.
import { DoesNotExist, InvalidArgument, MultipleResultsFound } from "../errors";
import { QuerySet } from "../query/queryset";
import { fieldOf } from "../schema/catalog";
import { isBase62 } from "../uid";
import type { RegistryClass, SQLRecord } from "./sqlrecord";

export async function getByUid<T extends SQLRecord>(cls: RegistryClass<T>, uid: string): Promise<T> {
  const model = cls.spec;
  const uidField = fieldOf(model, "uid");
  if (!uidField) throw new InvalidArgument(`${model.name} has no uid; use get(id) or get({ ... })`);
  if (uid.length === 0 || !isBase62(uid) || uid.length > (uidField.maxLength ?? 20)) {
    throw new InvalidArgument(
      `Malformed uid '${uid.slice(0, 40)}': a ${model.name} uid is up to ${uidField.maxLength} characters of 0-9, A-Z and a-z`,
    );
  }
  const qs = new QuerySet<T>(cls);
  if (uid.length === uidField.maxLength || uid.length === model.uid?.length) {
    const found = await qs.basicFilter({ uid }).first();
    if (found) return found;
  }
  const stemLength = model.uid?.stemLength;
  if (model.versioned && stemLength && uid.length <= stemLength) {
    // a stem: prefer the latest version; several matches return the first, as LaminDB does
    const matches = qs.basicFilter({ uid__startswith: uid });
    const found =
      (await matches.basicFilter({ is_latest: true }).orderBy("-created_at", "-id").first()) ??
      (await matches.orderBy("-created_at", "-id").first());
    if (found) return found;
    throw new DoesNotExist(noUidMessage(model.name, uid));
  }
  const rows = await qs.basicFilter({ uid__startswith: uid }).limit(2).toArray();
  if (rows.length === 0) throw new DoesNotExist(noUidMessage(model.name, uid));
  if (rows.length > 1)
    throw new MultipleResultsFound(
      `More than one ${model.name} uid starts with '${uid}': give more characters`,
    );
  return rows[0];
}

function noUidMessage(registry: string, uid: string): string {
  return `No record found with uid '${uid}'. Did you forget a keyword as in ${registry}.get({ name: '${uid}' })?`;
}
