import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', '.tools/', 'prisma/generated/', 'jest.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { process: 'readonly', module: 'writable', require: 'readonly' },
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@prisma/*', 'postmark', 'pg', 'zod', 'express', 'node:*'],
              message: 'Workflow code is deterministic: no I/O libraries or zod in workflows/.',
            },
            {
              regex: '^\\.\\./activities(?!/failure-types$)',
              message: 'Import activity types only: use `import type`.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
);
