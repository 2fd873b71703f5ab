// @ts-check
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
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
    // The console (admin-ui/): React hooks rules; data is rendered as text only; no secret may reach web storage;
    // components reach the server through lib/api.ts (their feature's query hooks), never fetch themselves.
    files: ["admin-ui/src/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Only advice for the React Compiler, which this build does not use (TanStack Table trips it).
      "react-hooks/incompatible-library": "off",
      "no-restricted-syntax": [
        "error",
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message: "Render data as text: no dangerouslySetInnerHTML.",
        },
        {
          selector: "MemberExpression[property.name=/^(innerHTML|outerHTML)$/]",
          message: "Render data as text: no innerHTML.",
        },
        {
          selector: "CallExpression[callee.property.name='insertAdjacentHTML']",
          message: "No HTML injection.",
        },
      ],
      "no-restricted-globals": [
        "error",
        { name: "localStorage", message: "No web storage in the console (secrets must never land there)." },
        { name: "sessionStorage", message: "No web storage in the console (secrets must never land there)." },
        { name: "fetch", message: "Call the admin API through admin-ui/src/lib/api.ts." },
        { name: "process", message: "The console runs in the browser." },
      ],
      "no-restricted-properties": [
        "error",
        { object: "window", property: "localStorage", message: "No web storage in the console." },
        { object: "window", property: "sessionStorage", message: "No web storage in the console." },
        {
          object: "window",
          property: "fetch",
          message: "Call the admin API through admin-ui/src/lib/api.ts.",
        },
      ],
    },
  },
  {
    files: ["admin-ui/src/lib/api.ts"],
    rules: { "no-restricted-globals": "off" },
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
