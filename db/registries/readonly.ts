// Registries of LaminDB's schema that this library reads but does not create yet (Schema, Reference,
// Block and the blocks of each registry): their rows come back as records, relations reach them,
// and new X() says what is not supported instead of writing an incomplete row.
import { InvalidArgument } from "../errors";
import { SQLRecord } from "../records/sqlrecord";

export abstract class ReadOnlyRecord extends SQLRecord {
  protected constructor(registry: string) {
    super({});
    throw new InvalidArgument(
      `Creating ${registry} records is not supported by this library yet; query them with ${registry}.filter()`,
    );
  }
}
