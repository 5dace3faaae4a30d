import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".e2e/**", ".test-output/**", "examples/**", "bench/data/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", setImmediate: "readonly", performance: "readonly" },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-imports": ["error", { paths: [{ name: "vscode", message: "Only extension/ may import vscode." }] }],
    },
  },
  {
    files: ["extension/**/*.ts", "test/extension/**/*.ts"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    files: ["renderer/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["../db/*", "!../db/shapes", "../server/*", "../extension/*", "knex", "pg", "@electric-sql/*"], message: "renderer/ knows only db/shapes." }] }],
    },
  },
);
