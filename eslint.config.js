import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';
import prettier from 'eslint-config-prettier';

// Imports point downward only (see docs/ARCHITECTURE.md):
// main -> commands -> {config, auth, powerbi, streams, protocol}; streams -> {powerbi, lineage};
// lineage -> nothing of ours; powerbi -> auth only through the TokenProvider interface.
const layers = [
  { type: 'main', pattern: 'src/main.ts', mode: 'file' },
  { type: 'commands', pattern: 'src/commands' },
  { type: 'config', pattern: 'src/config' },
  { type: 'protocol', pattern: 'src/protocol' },
  { type: 'auth', pattern: 'src/auth' },
  { type: 'powerbi', pattern: 'src/powerbi' },
  { type: 'streams', pattern: 'src/streams' },
  { type: 'lineage', pattern: 'src/lineage' },
  { type: 'generated', pattern: 'src/generated' },
  { type: 'shared', pattern: 'src/*.ts', mode: 'file' },
  { type: 'simulator', pattern: 'simulator' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'src/generated/**', '.demo/**', '.bench/**'] },
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
      'import/resolver': { node: { extensions: ['.ts', '.js'] } },
    },
    rules: {
      'boundaries/element-types': [
        'error',
        {
          default: 'disallow',
          rules: [
            { from: 'main', allow: ['commands', 'protocol', 'config', 'shared'] },
            {
              from: 'commands',
              allow: ['commands', 'config', 'auth', 'powerbi', 'streams', 'protocol', 'lineage', 'generated', 'shared'],
            },
            { from: 'config', allow: ['config', 'generated', 'protocol', 'shared'] },
            { from: 'protocol', allow: ['protocol', 'generated', 'shared'] },
            { from: 'auth', allow: ['auth', 'shared'] },
            { from: 'powerbi', allow: ['powerbi', 'shared'] },
            { from: 'streams', allow: ['streams', 'powerbi', 'lineage', 'generated', 'shared'] },
            { from: 'lineage', allow: ['lineage'] },
            { from: 'generated', allow: [] },
            { from: 'shared', allow: ['shared'] },
          ],
        },
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
