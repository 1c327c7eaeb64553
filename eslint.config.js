// Lint rules, including the house rules of docs/architecture.md that a machine can check: what each layer may import.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'child_process', 'net', 'http', 'https', 'crypto', 'os', 'worker_threads'];

export default tseslint.config(
  { ignores: ['node_modules/**', '.ants/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', fetch: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'Workflow code is deterministic: no I/O. Call an activity.' },
            { group: ['pg', 'fastify', 'zod', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'Workflows import only core/, @temporalio/workflow and @temporalio/common.' },
            { group: ['**/infra/**', '**/api/**', '**/workers/**', '**/scripts/**'], message: 'Workflows import only core/ and activity types.' },
            { group: ['**/activities/**'], allowTypeImports: true, message: 'Workflows may import activity types only (import type).' },
          ],
        },
      ],
    },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'core/ is pure domain logic: no I/O.' },
            { group: ['**/activities/**', '**/workflows/**', '**/infra/**', '**/api/**', '**/workers/**', '**/scripts/**', '@temporalio/*', 'pg'], message: 'core/ imports nothing of ours but core/.' },
          ],
        },
      ],
    },
  },
  {
    files: ['activities/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['**/workflows/**', '**/api/**'], message: 'activities/ never imports workflows/ or api/.' }] }],
    },
  },
);
