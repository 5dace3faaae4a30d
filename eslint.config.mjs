import js from "@eslint/js";
import tseslint from "typescript-eslint";

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
    files: ["extension/**/*.ts", "companion/**/*.ts", "test/extension/**/*.ts"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    files: ["renderer/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "../db/*",
                "!../db/shapes",
                "../server/*",
                "../extension/*",
                "knex",
                "pg",
                "@electric-sql/*",
              ],
              message: "renderer/ knows only db/shapes.",
            },
          ],
        },
      ],
    },
  },
);
