import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';
import prettier from 'eslint-config-prettier';

// Imports point downward only (docs/ARCHITECTURE.md):
// main -> commands -> {config, auth, powerbi, streams, protocol}; streams -> {powerbi, lineage, config};
// streams take their options typed by config/options.ts (api streams read with them);
// lineage -> nothing of ours (inside, its own layering: src/lineage/README.md);
// powerbi -> auth only through the TokenProvider interface;
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
  // Lineage's concerns (src/lineage/*/README.md); listed before the folder they sit in.
  { type: 'lineage-m', pattern: 'src/lineage/m' },
  { type: 'lineage-functions', pattern: 'src/lineage/functions' },
  { type: 'lineage-sql', pattern: 'src/lineage/sql' },
  { type: 'lineage-dax', pattern: 'src/lineage/dax' },
  { type: 'lineage-analysis', pattern: 'src/lineage/analysis' },
  { type: 'lineage-runtime', pattern: 'src/lineage/runtime' },
  // index.ts (the public entry) and the shared pieces: types, limits, qualified names.
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
  // Inside lineage, downward only: shared pieces <- sql, dax <- m <- functions <- analysis <- runtime.
  // m may import from sql only types (the SqlTablePaths a CallContext hands back); see lineagePolicies.
  'lineage-sql': ['lineage'],
  'lineage-dax': ['lineage'],
  'lineage-m': ['lineage'],
  'lineage-functions': ['lineage', 'lineage-m', 'lineage-sql'],
  'lineage-analysis': ['lineage', 'lineage-m', 'lineage-sql', 'lineage-dax', 'lineage-functions'],
  'lineage-runtime': ['lineage', 'lineage-analysis'],
};

/**
 * Other layers reach lineage through its public entries only: src/lineage/index.ts, and
 * runtime/worker-pool.ts for createLineageAnalyser and dax/dax-references.ts for daxReferences
 * (index.ts loads the M and SQL parsers at once; with worker threads the main thread must not).
 */
const lineageEntries = [
  { type: 'lineage', fileInternalPath: 'index.ts' },
  { type: 'lineage-runtime', fileInternalPath: 'worker-pool.ts' },
  { type: 'lineage-dax', fileInternalPath: 'dax-references.ts' },
];

const policies = Object.entries(allowed).map(([from, to]) => {
  // Outside lineage, 'lineage' means its public entries only.
  const outside = !from.startsWith('lineage') && to.includes('lineage');
  const types = outside ? [from, ...to.filter((type) => type !== 'lineage')] : [from, ...to];
  return {
    from: { element: { type: from } },
    allow: { to: { element: [{ types: { anyOf: types } }, ...(outside ? lineageEntries : [])] } },
  };
});

const lineageTypes = Object.keys(allowed).filter((type) => type.startsWith('lineage-'));
const lineagePolicies = [
  // The shared pieces import nothing of lineage's folders; index.ts re-exports from all of them.
  {
    from: { element: { type: 'lineage', fileInternalPath: 'index.ts' } },
    allow: { to: { element: { types: { anyOf: ['lineage', ...lineageTypes] } } } },
  },
  {
    from: { element: { type: 'lineage-m' } },
    allow: { to: { element: { type: 'lineage-sql' } }, dependency: { kind: 'type' } },
  },
];

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
      'boundaries/dependencies': [
        'error',
        { default: 'disallow', policies: [...policies, ...lineagePolicies] },
      ],
      'no-restricted-imports': ['error', { patterns: ['**/simulator/**'] }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  prettier,
);
