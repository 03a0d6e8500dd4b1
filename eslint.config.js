// The lint gate (npm test runs it): typescript-eslint's recommended type-checked rules over
// src/, test/ and bench/. Formatting is Prettier's job (`npm run format:check`), import
// cycles madge's (`npm run cycles`), so no style rule here fights either.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'bench/dist/', 'bench/tmp/', 'coverage/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: ['./tsconfig.lint.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `_name` marks a value destructured away on purpose ({ token: _token, ...rest }).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // Schemas get `z` from src/validation/zod.ts, which sets zod up before any schema is built.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'zod', message: 'import { z } from src/validation/zod.ts (it configures zod first)', allowTypeImports: true }],
          patterns: [{ group: ['zod/*'], message: 'import { z } from src/validation/zod.ts (it configures zod first)', allowTypeImports: true }],
        },
      ],
    },
  },
  {
    files: ['src/validation/zod.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
  {
    // Tests read JSON reports, request logs and parsed bodies as loosely typed data on purpose:
    // the assertions are what checks their shape, so the no-unsafe-* family only adds casts there.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // eslint.config.js, the test children that run the compiled CLI and the build scripts (plain JS, outside the TS project).
    files: ['eslint.config.js', 'test/**/*.mjs', 'scripts/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
