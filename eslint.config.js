// ESLint (flat config): a modest rule set that passes on the code as it is, and the layer rules
// of docs/architecture.md ("Layers and how they are checked") as errors. Formatting is
// Prettier's business (`npm run format:check`), not the linter's.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** Test code: unit tests beside the code, and the test/ and bench/ trees. */
const TESTS = ['**/*.test.ts', '**/*.test.tsx', 'test/**', 'bench/**'];

/**
 * Folders of src/ a layer must not import, as no-restricted-imports patterns (gitignore syntax,
 * matched against the import's text): `../store/…` up to four levels up, so that a folder of the
 * same name elsewhere (test/reports) does not match.
 */
function layers(...folders) {
  return folders.map((folder) => ({
    group: ['../', '../../', '../../../', '../../../../'].map((up) => `${up}${folder}/**`),
    message: `This layer does not import src/${folder} (docs/architecture.md, "Layers").`,
  }));
}

/** The composition root (src/compose.ts): only the adapters' entry points and tests import it. */
const compositionRoot = {
  group: ['../compose.ts', '../../compose.ts', '../../../compose.ts'],
  message: 'Only entry points (server, CLI, workers) import the composition root; a layer is handed what it needs.',
};

/** The database drivers and the query builder: only src/store uses them at run time. */
const DATABASE = {
  group: ['kysely', 'kysely/*', 'pg', 'pg/*', 'better-sqlite3'],
  allowTypeImports: true,
  message: 'Only src/store uses kysely, pg and better-sqlite3 at run time (type-only imports are allowed elsewhere).',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'dist/**', 'tmp/**', 'test-output/**', 'src/web/dist/**'] },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
    },
    linterOptions: { reportUnusedDisableDirectives: 'warn' },
    rules: {
      // TypeScript already reports undefined names, per tsconfig (Node for src, DOM for src/web).
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Warnings: they fire on code as it is, deliberately or harmlessly.
      '@typescript-eslint/consistent-type-imports': ['warn', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'no-sparse-arrays': 'warn', // a hole stands for a RegExpExecArray's whole match
      'prefer-const': 'warn',
      // Cleaning text of control characters is what those regular expressions are for.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['src/web/**/*.ts', 'src/web/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },

  // ---- Layers (docs/architecture.md). Each block's patterns replace, not add to, the others'
  // for the same files, so every block lists all that applies to its files.

  // Core depends on nothing else in the project: pure functions over its own types.
  // Its tests may import test fixtures (test/**) but no other layer either.
  {
    files: ['src/core/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ...layers('store', 'services', 'http', 'cli', 'web', 'reports'),
            { ...DATABASE, allowTypeImports: false, message: 'Core uses no database library, not even its types.' },
          ],
        },
      ],
    },
  },

  // The store: SQL and the mapping of rows to core's records; nothing above it.
  {
    files: ['src/store/**'],
    ignores: TESTS,
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: layers('services', 'http', 'cli', 'web', 'reports', 'contract') }] },
  },

  // Services: the database only through src/store's repositories (type-only imports of kysely
  // allowed); never the adapters or the composition root that builds them.
  {
    files: ['src/services/**', 'src/schemes/**'],
    ignores: TESTS,
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [DATABASE, ...layers('http', 'cli', 'web'), compositionRoot] }] },
  },

  // Reports: renderers of the shapes services give them (src/reports/shapes.ts); no services, no store.
  {
    files: ['src/reports/**'],
    ignores: TESTS,
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [DATABASE, ...layers('services', 'store', 'http', 'cli', 'web'), compositionRoot] }] },
  },

  // The HTTP server and the command line reach the store only through services, which the
  // composition root (src/compose.ts) builds; it also opens and migrates the store for them.
  // Type-only imports of the store (the Store interface passed along) are allowed.
  {
    files: ['src/http/**', 'src/cli/**'],
    ignores: TESTS,
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ ...layers('store')[0], allowTypeImports: true }, DATABASE] }],
    },
  },

  // Who may do what is decided in src/services/policies.ts, each permission a named function:
  // routes and commands name a policy (`access: mayRecordFindings`, `canSeeFullIds(user)`,
  // CLI_ADMIN), never a role of their own.
  {
    files: ['src/http/**', 'src/cli/**'],
    ignores: TESTS,
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "BinaryExpression[operator=/^[!=]==?$/] > MemberExpression[property.name='role']",
          message: 'Compare no roles here: name a policy of src/services/policies.ts (or add one there).',
        },
        {
          selector: "CallExpression[callee.property.name='includes'] > MemberExpression.arguments[property.name='role']",
          message: 'Keep no role lists here: name a policy of src/services/policies.ts (or add one there).',
        },
        {
          selector: 'Literal[value=/^(admin|reviewer|inspector|viewer)$/]',
          message: 'Name no roles here: name a policy of src/services/policies.ts (CLI_ADMIN for the command line).',
        },
      ],
    },
  },

  // The API's contract: types of every request and answer, shared by the server's presenters and
  // the web app. It imports nothing of the project but core (types), and no database library.
  {
    files: ['src/contract/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ...layers('store', 'services', 'http', 'cli', 'web', 'reports'),
            { ...DATABASE, allowTypeImports: false, message: 'The contract uses no database library, not even its types.' },
          ],
        },
      ],
    },
  },

  // The web application runs in the browser: its own code, core, and the API's contract (the
  // shapes the API answers with). Nothing of the server: not even types from services.
  {
    files: ['src/web/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [...layers('store', 'services', 'http', 'cli', 'reports'), DATABASE],
        },
      ],
    },
  },
);
