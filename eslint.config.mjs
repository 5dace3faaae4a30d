import js from "@eslint/js";
import { createNodeResolver, importX } from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

// The direction of dependency (docs/architecture.md), checked on resolved paths: an import is
// resolved to its file first, so `../../db/x` from a subfolder is caught like `../db/x`.
const root = import.meta.dirname;
const DATABASE_PACKAGES = ["knex", "knex-pglite", "pg", "@electric-sql/*"];
const boundaries = [
  {
    target: "./renderer",
    from: ["./db", "./server", "./extension"],
    except: ["./shapes.ts"], // relative to each `from`: db/shapes.ts (absent under the others)
    message: "renderer/ knows only db/shapes.",
  },
  {
    target: "./extension",
    from: "./db",
    except: ["./shapes.ts"],
    message: "extension/ reaches the database only through the server: of db/ it imports only db/shapes.",
  },
  {
    target: "./extension",
    from: "./server",
    except: ["./protocol.ts"],
    message: "extension/ talks to the server only through server/protocol.",
  },
];

export default tseslint.config(
  {
    ignores: [
      ".scratch/**",
      "dist/**",
      "companion/dist/**",
      "node_modules/**",
      ".e2e/**",
      ".test-output/**",
      "examples/**",
      "bench/data/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { "import-x": importX },
    settings: {
      "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".mts", ".js", ".mjs", ".json"] })],
    },
  },
  {
    files: ["renderer/**/*.ts", "extension/**/*.ts"],
    rules: {
      "import-x/no-restricted-paths": ["error", { basePath: root, zones: boundaries }],
      // an import the resolver cannot place would pass the zones unseen: it is an error instead
      "import-x/no-unresolved": ["error", { ignore: ["^vscode$"] }],
    },
  },
  {
    languageOptions: {
      // Node 20's globals (the TypeScript compiler checks the rest)
      globals: Object.fromEntries(
        [
          "process",
          "console",
          "Buffer",
          "URL",
          "URLSearchParams",
          "setTimeout",
          "clearTimeout",
          "setInterval",
          "clearInterval",
          "setImmediate",
          "clearImmediate",
          "performance",
          "fetch",
          "AbortController",
          "AbortSignal",
          "TextEncoder",
          "TextDecoder",
          "structuredClone",
          "queueMicrotask",
          "__dirname",
          "__filename",
          "require",
        ].map((g) => [g, "readonly"]),
      ),
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "vscode", message: "Only extension/ may import vscode." }] },
      ],
    },
  },
  {
    // No import cycles: a module never reaches itself again through its imports, static or dynamic
    // (`import type` is erased and does not count). Registries may name each other's types.
    files: ["db/**/*.ts", "server/**/*.ts", "extension/**/*.ts", "renderer/**/*.ts", "companion/**/*.ts"],
    plugins: { "import-x": importX },
    settings: {
      "import-x/extensions": [".ts", ".js", ".mjs"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".js", ".mjs"] })],
      "import-x/ignore": ["node_modules"],
    },
    rules: { "import-x/no-cycle": ["error", { ignoreExternal: true }] },
  },
  {
    // A registry class merges with `interface Run extends RecordOf<typeof RunSpec> {}`: its fields and
    // relations, derived from the model declaration (db/schema/record-types.ts) and set at run time by
    // the record layer, exactly as `declare` fields would be.
    files: ["db/registries/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-declaration-merging": "off",
      "@typescript-eslint/no-empty-object-type": ["error", { allowInterfaces: "with-single-extends" }],
    },
  },
  {
    // code that runs in the extension host (the bench's activation probe is an extension too)
    files: [
      "extension/**/*.ts",
      "companion/**/*.ts",
      "test/extension/**/*.ts",
      "bench/host-activation/**/*.ts",
    ],
    rules: { "no-restricted-imports": "off" },
  },
  {
    files: ["extension/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: DATABASE_PACKAGES, message: "extension/ never opens the database: the server does." },
          ],
        },
      ],
    },
  },
  {
    files: ["renderer/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: DATABASE_PACKAGES,
              message: "renderer/ knows only db/shapes.",
            },
          ],
        },
      ],
    },
  },
);
