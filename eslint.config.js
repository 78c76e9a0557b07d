// Lint rules: the recommended sets of ESLint and typescript-eslint, Pulumi's own rules where Outputs live,
// and prettier's switch-off of every formatting rule (formatting is prettier's, run by `npm run lint`).
// The project's own rules are few and deliberate; each says why.
"use strict";
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");
const pulumi = require("@pulumi/eslint-plugin");
const prettier = require("eslint-config-prettier");
const globals = require("globals");

/** Files that build Pulumi resources and handle Outputs: linted with type information for Pulumi's rules. */
const PROGRAM = ["index.ts", "src/**/*.ts", "components/**/*.ts"];

module.exports = tseslint.config(
    { ignores: ["build/**", "node_modules/**", "policies/node_modules/**", "plan-out/**", ".bundles/**"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        rules: {
            // Unused values are dead code, except a deliberately ignored binding (`_x`) or rest sibling.
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
        },
    },
    {
        // These implement interfaces the SDK itself types with `any`: dynamic providers (ResourceProvider's
        // inputs) and the planner's wrapper of the engine monitor (generated protobuf requests).
        files: ["components/globalSwitchover.ts", "components/restorePoint.ts", "components/replicaStatus.ts", "tools/planner.ts"],
        rules: { "@typescript-eslint/no-explicit-any": "off" },
    },
    {
        files: PROGRAM,
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
        plugins: { "@pulumi": pulumi },
        rules: {
            // An Output in a template literal prints "Calling [toString] on an Output<T> is not supported".
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
        },
    },
    {
        files: ["**/*.js"],
        languageOptions: { sourceType: "commonjs", globals: { ...globals.node } },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    prettier,
);
