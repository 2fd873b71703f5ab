// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "data/", "admin-ui/vendor/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Configuration is read in exactly one place (src/config/config.ts) and passed down.
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through src/config/config.ts." },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "error",
    },
  },
  {
    // The config module is the one process.env reader; tests, benches and scripts set up processes.
    files: ["src/config/config.ts", "test/**", "bench/**", "scripts/**", "vitest.config.ts"],
    rules: { "no-restricted-properties": "off", "no-console": "off" },
  },
  {
    // Only the HTTP layers may import hono; domain code stays framework-free.
    files: [
      "src/keys/**",
      "src/tenants/**",
      "src/usage/**",
      "src/audit/**",
      "src/db/**",
      "src/errors/**",
      "src/config/**",
      "src/hermes/**",
    ],
    ignores: ["src/audit/http/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["hono", "hono/*", "@hono/*"],
              message: "Domain code must not depend on the HTTP framework.",
            },
          ],
        },
      ],
    },
  },
);
