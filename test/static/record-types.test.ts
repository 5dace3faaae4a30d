// The record types derived from the model declarations (db/schema/record-types.ts) say what the record
// layer does at run time: for every registry, the type's keys are its fields, its <fk>_id columns and
// the relation accessors defineRegistry() installs, `| null` exactly where the column allows NULL, and
// every registry's class is known by name (so relations read as Run, Transform, ..., not a bare object).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";
import ts from "typescript";
import { allRegistries } from "../../db/index";
import { isToMany, relationsOf } from "../../db/schema/catalog";

const root = resolve(__dirname, "../..");

function checkerFor(source: string): { checker: ts.TypeChecker; file: ts.SourceFile } {
  const config = ts.getParsedCommandLineOfConfigFile(
    resolve(root, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(String(d.messageText)),
    },
  )!;
  const path = resolve(root, "test/static/__record_types_probe__.ts");
  const host = ts.createCompilerHost(config.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, target, ...rest) =>
    resolve(name) === path ? ts.createSourceFile(name, source, target) : getSourceFile(name, target, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => resolve(name) === path || fileExists(name);
  const program = ts.createProgram({ rootNames: [path], options: { ...config.options, noEmit: true }, host });
  const file = program.getSourceFile(path)!;
  const errors = ts
    .getPreEmitDiagnostics(program, file)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  assert.deepEqual(errors, [], "the probe compiles");
  return { checker: program.getTypeChecker(), file };
}

test("every registry's record type matches its model and the relations the catalog defines", () => {
  const registries = allRegistries();
  assert.ok(registries.length >= 14);
  const specFile = (name: string) => {
    const found = readFileSync(resolve(root, "db/schema/catalog.ts"), "utf8").match(
      new RegExp(`import \\{[^}]*\\b${name}Spec\\b[^}]*\\} from "(\\./models/[\\w-]+)"`),
    );
    assert.ok(found, `catalog.ts imports ${name}Spec`);
    return resolve(root, "db/schema", found[1]);
  };
  const lines = [
    `import type { RecordOf, Registries } from "${resolve(root, "db/schema/record-types")}";`,
    `import "${resolve(root, "db/index")}";`,
    `export type RegistryNames = keyof Registries;`,
  ];
  for (const r of registries) {
    const n = r.spec.name;
    lines.push(`import type { ${n}Spec } from "${specFile(n)}";`);
    lines.push(`export type Record_${n} = RecordOf<typeof ${n}Spec>;`);
  }
  const { checker, file } = checkerFor(lines.join("\n"));
  const alias = (name: string) => {
    const decl = file.statements.find(
      (s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === name,
    )!;
    return checker.getTypeAtLocation(decl.name);
  };

  const named = alias("RegistryNames");
  const names = (named.isUnion() ? named.types : [named])
    .map((t) => (t as ts.StringLiteralType).value)
    .sort();
  assert.deepEqual(
    names,
    registries.map((r) => r.spec.name).sort(),
    "every registry adds itself to Registries",
  );

  for (const r of registries) {
    const model = r.spec;
    const type = alias(`Record_${model.name}`);
    const props = new Map(checker.getPropertiesOfType(type).map((p) => [p.name, p]));
    const propType = (name: string) => checker.typeToString(checker.getTypeOfSymbol(props.get(name)!));
    const relations = [...relationsOf(model).values()].filter((rel) => !rel.target.link);
    const expected = [
      ...model.fields.filter((f) => !f.primary).map((f) => f.name),
      ...model.foreignKeys.map((fk) => fk.column),
      ...relations.map((rel) => rel.name),
    ].sort();
    assert.deepEqual([...props.keys()].sort(), expected, `${model.name}: keys`);
    for (const f of model.fields.filter((x) => !x.primary))
      assert.equal(
        /\bnull\b/.test(propType(f.name)) || propType(f.name) === "unknown",
        f.null || f.type === "json",
        `${model.name}.${f.name}: ${propType(f.name)}`,
      );
    for (const fk of model.foreignKeys)
      assert.equal(propType(fk.column), fk.null ? "number | null" : "number", `${model.name}.${fk.column}`);
    for (const rel of relations) {
      const t = propType(rel.name);
      const target = rel.target.name;
      if (isToMany(rel)) assert.equal(t, `QuerySet<${target}>`, `${model.name}.${rel.name}`);
      else assert.match(t, new RegExp(`^Promise<${target}( \\| null)?>$`), `${model.name}.${rel.name}`);
    }
  }
});
