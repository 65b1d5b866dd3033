import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist',
      'dist-*',
      'public/models',
      'bench/models',
      'e2e/.models',
      'bench/results',
      'test-results*',
      'playwright-report',
      'node_modules',
      'e2e/screenshots',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      // src/ may import only types from workers/; the one Worker constructor uses a URL, not an import.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/workers/**'], message: 'src/ imports only types from workers/.', allowTypeImports: true },
          ],
        },
      ],
    },
  },
  {
    // The engine client is the lowest layer of the page: it emits events and never reaches up into
    // the store or the views (src/state/bridge-sync.ts is the one module that connects them).
    files: ['src/engine/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/workers/**'], message: 'src/ imports only types from workers/.', allowTypeImports: true },
            {
              group: ['**/state/**', '**/state', '**/ui/**', '**/ui', '../App', '../main'],
              message: 'src/engine imports neither src/state nor src/ui: emit a BridgeEvent instead.',
            },
          ],
        },
      ],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
);
