// Lint rules that types alone do not catch: promises nobody awaits or handles (a rejected
// one would be unhandled, or work would run after a reply), and promises passed where a
// callback's result is ignored.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'bench/out/**', 'bench/fixtures/**'] },
  {
    files: ['packages/*/src/**/*.ts', 'examples/*/src/**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-explicit-any': 'error',
      // A method taken off its object loses `this` (issue 14: `run: ({ now }) => now()` crashed).
      '@typescript-eslint/unbound-method': 'error',
    },
  },
  {
    // The library never imports the stats application on top of it (issue 15: layers a newcomer
    // can see; scripts/library-alone.mjs builds and tests the library without src/app).
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/app/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                './app',
                './app/*',
                '../app',
                '../app/*',
                '../../app',
                '../../app/*',
                '../../../app',
                '../../../app/*',
                '@stats/core/app',
              ],
              message: 'The library must not import the application (src/app).',
            },
          ],
        },
      ],
    },
  },
);
