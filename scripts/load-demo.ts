// `node --import tsx scripts/load-demo.ts <embedded folder>`: the demo registry (server/demo/load-demo.ts)
// in an embedded instance that no server holds yet. `npm start` runs it on its first start; in any window,
// **LaminDB: Load demo data** does the same through the language server.
import { connect } from "../db/index";
import { loadDemoData } from "../server/demo/load-demo";

async function main(dir: string): Promise<void> {
  const started = Date.now();
  const instance = await connect({ dir });
  try {
    const { created } = await loadDemoData(instance, (step) => console.log(`  demo data: ${step}`));
    const what = Object.entries(created)
      .map(([registry, n]) => `${n} ${registry}`)
      .join(", ");
    console.log(
      `demo data loaded in ${((Date.now() - started) / 1000).toFixed(1)} s: ${what || "nothing new"}`,
    );
  } finally {
    await instance.close();
  }
}

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node --import tsx scripts/load-demo.ts <embedded database folder>");
  process.exit(2);
}
main(dir).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
