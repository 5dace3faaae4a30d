// One writer of the pooler test (test/db/pooler.test.ts), in its own process as a window's server
// is: `rounds` times a label save, a run save and a typeahead prefix filter on the URL it is given.
// Prints one JSON line: operations that succeeded, and the failures by SQLSTATE.
import { connect, Run, Transform, typeahead, ULabel } from "../../db/index";

async function main(): Promise<void> {
  const [url, tag, roundsText] = process.argv.slice(2);
  const rounds = Number(roundsText);
  const instance = await connect({ url, user: { handle: `writer-${tag}` } });
  const failures: Record<string, number> = {};
  let ok = 0;
  const op = async (fn: () => Promise<unknown>): Promise<void> => {
    try {
      await fn();
      ok++;
    } catch (e) {
      const code = String((e as { code?: unknown }).code ?? "unknown");
      failures[code] = (failures[code] ?? 0) + 1;
    }
  };
  const transform = await new Transform({ key: `pool-writer-${tag}.ipynb`, kind: "notebook" }).save();
  for (let i = 0; i < rounds; i++) {
    await op(() => new ULabel({ name: `w${tag}-label-${i}` }).save());
    await op(() => new Run(transform, { name: `w${tag}-run-${i}` }).save());
    await op(() =>
      typeahead(ULabel.filter({}), "name", `w${tag}-label-${i % 10}`, {
        fields: ["name"],
        limit: 20,
        few: 5,
      }),
    );
  }
  await instance.close();
  process.stdout.write(`${JSON.stringify({ ok, failures })}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
