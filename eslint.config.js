import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';
import prettier from 'eslint-config-prettier';

// Imports point downward only (docs/ARCHITECTURE.md):
// main -> commands -> {config, auth, powerbi, streams, protocol}; streams -> {powerbi, lineage, config};
// streams take their options typed by config/options.ts (api streams read with them);
// lineage -> nothing of ours; powerbi -> auth only through the TokenProvider interface;
// generated types (from spec.json and schemas/) may be used by any layer that reads config or records.
// Elements are folders. Top-level files (main.ts, errors.ts, secrets.ts) are shared by every layer.
const layers = [
  { type: 'commands', pattern: 'src/commands' },
  { type: 'config', pattern: 'src/config' },
  { type: 'protocol', pattern: 'src/protocol' },
  { type: 'auth-contract', pattern: 'src/auth/contract' },
  { type: 'auth', pattern: 'src/auth' },
  { type: 'powerbi', pattern: 'src/powerbi' },
  { type: 'streams', pattern: 'src/streams' },
  { type: 'lineage', pattern: 'src/lineage' },
  { type: 'generated', pattern: 'src/generated' },
  { type: 'simulator', pattern: 'simulator' },
];

/** Which layers each layer may import (besides itself). */
const allowed = {
  commands: ['config', 'auth', 'auth-contract', 'powerbi', 'streams', 'protocol', 'lineage', 'generated'],
  config: ['generated'],
  protocol: ['generated'],
  'auth-contract': [],
  auth: ['auth-contract', 'generated'],
  powerbi: ['auth-contract'],
  streams: ['powerbi', 'lineage', 'generated', 'config'],
  lineage: [],
  generated: [],
};

const policies = Object.entries(allowed).map(([from, to]) => ({
  from: { element: { type: from } },
  allow: { to: { element: { types: { anyOf: [from, ...to] } } } },
}));

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'src/generated/**',
      '.demo/**',
      '.bench/**',
      '.scratch/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': layers,
      'import/resolver': { typescript: { project: './tsconfig.json' } },
    },
    rules: {
      'boundaries/dependencies': ['error', { default: 'disallow', policies }],
      'no-restricted-imports': ['error', { patterns: ['**/simulator/**'] }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  prettier,
);
