// @ts-check
/**
 * The house's walls (issue 7), checked by `npm run lint` and `npm test`: which runtime may import
 * what, the staff chunk reached only through a dynamic import, and every folder entered only through
 * its index.ts. tests/lint/import-rules.test.ts proves each wall stops a crossing.
 */
import { existsSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const ROOT = dirname(fileURLToPath(import.meta.url));
const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.js', '.json'];
const INDEX_FILES = ['index.ts', 'index.tsx'];

/** `a` is `b` or lies inside it. */
const isInside = (a, b) => a === b || a.startsWith(b + sep);
const isFile = (path) => existsSync(path) && statSync(path).isFile();
const hasIndex = (dir) => INDEX_FILES.some((name) => isFile(join(dir, name)));

/** The file a relative specifier names, as the bundler resolves it; undefined when nothing exists there. */
function resolveFile(fromFile, specifier) {
  const base = resolve(dirname(fromFile), specifier);
  if (isFile(base)) return base;
  for (const extension of SOURCE_EXTENSIONS) if (isFile(base + extension)) return base + extension;
  for (const name of INDEX_FILES) if (isFile(join(base, name))) return join(base, name);
  return undefined;
}

/**
 * The folder whose index.ts is the public surface of `file`: the nearest one up that has an index (a
 * data-only subfolder such as locales/ belongs to its parent). Every folder under src/ is walled this
 * way; under tests/, a folder of helpers without an index.ts is open to every test (undefined), and
 * adding an index.ts walls it.
 */
function owningFolder(file) {
  for (let dir = dirname(file); isInside(dir, ROOT) && dir !== ROOT; dir = dirname(dir)) if (hasIndex(dir)) return dir;
  return isInside(file, join(ROOT, 'src')) ? dirname(file) : undefined;
}

/**
 * house/boundaries: for every relative import (static, re-export or dynamic) resolves the target and
 * reports (1) a file of another folder imported around that folder's index.ts, (2) a target inside a
 * folder this file may not reach (`deny`), or outside the folders it may reach (`allowOnly`).
 * Resolving the path, not matching the specifier, makes the rule independent of how many `../` it takes.
 */
const boundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Folders are entered through their index.ts; runtimes import only what they may.' },
    schema: [
      {
        type: 'object',
        properties: {
          allowOnly: { type: 'array', items: { type: 'string' } },
          allowOnlyReason: { type: 'string' },
          deny: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                folder: { type: 'string' },
                reason: { type: 'string' },
                allowTypeImports: { type: 'boolean' },
                allowDynamicImports: { type: 'boolean' },
              },
              required: ['folder', 'reason'],
              additionalProperties: false,
            },
          },
        },
        additionalProperties: false,
      },
    ],
    messages: {
      deepImport: "Import '{{folder}}' through its index.ts, not its file '{{file}}' (export what you need from the index).",
      forbidden: "'{{specifier}}' reaches {{target}}: {{reason}}",
    },
  },
  create(context) {
    const { allowOnly, allowOnlyReason = '', deny = [] } = context.options[0] ?? {};
    const file = context.filename;
    const rel = (path) => relative(ROOT, path).split(sep).join('/');
    const check = (node, source, { typeOnly, dynamic }) => {
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const specifier = source.value;
      if (!specifier.startsWith('.')) return;
      const target = resolveFile(file, specifier) ?? resolve(dirname(file), specifier);
      for (const zone of deny) {
        if (!isInside(target, join(ROOT, zone.folder))) continue;
        if (typeOnly && zone.allowTypeImports) continue;
        if (dynamic && zone.allowDynamicImports) continue;
        context.report({ node, messageId: 'forbidden', data: { specifier, target: zone.folder, reason: zone.reason } });
        return;
      }
      if (allowOnly && !allowOnly.some((folder) => isInside(target, join(ROOT, folder)))) {
        context.report({ node, messageId: 'forbidden', data: { specifier, target: rel(target), reason: allowOnlyReason } });
        return;
      }
      if (!isFile(target) || INDEX_FILES.some((name) => target.endsWith(sep + name))) return;
      const folder = owningFolder(target);
      if (folder && !isInside(dirname(file), folder)) context.report({ node, messageId: 'deepImport', data: { folder: rel(folder), file: specifier } });
    };
    // Nothing a declaration file imports reaches a bundle.
    const declarationFile = file.endsWith('.d.ts');
    const typeOnlyDeclaration = (node) => declarationFile || node.importKind === 'type' || node.exportKind === 'type';
    return {
      ImportDeclaration: (node) =>
        check(node, node.source, {
          typeOnly: typeOnlyDeclaration(node) || (node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type')),
          dynamic: false,
        }),
      ExportNamedDeclaration: (node) => check(node, node.source, { typeOnly: typeOnlyDeclaration(node), dynamic: false }),
      ExportAllDeclaration: (node) => check(node, node.source, { typeOnly: typeOnlyDeclaration(node), dynamic: false }),
      ImportExpression: (node) => check(node, node.source, { typeOnly: false, dynamic: true }),
    };
  },
};

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const NODE_BUILTINS = `^(node:.*|(${builtinModules.filter((name) => !name.startsWith('_')).map(escape).join('|')})(/.*)?)$`;

/** A package-import restriction for @typescript-eslint/no-restricted-imports (bare specifiers only; relative ones are house/boundaries'). */
const packages = (...patterns) => ['error', { patterns }];
const nodeBuiltins = (where) => ({ regex: NODE_BUILTINS, message: `${where} runs in a browser: Node built-ins do not exist there.` });
const zodOnCitizenPath = {
  regex: '^zod(/.*)?$',
  allowTypeImports: true,
  message: 'The citizen bundle carries no zod (45 KB budget): use `import type`, or validate in the staff chunk, the build or the collector.',
};

const CITIZEN_DENY = [
  { folder: 'src/kiosk/staff', allowTypeImports: true, allowDynamicImports: true, reason: 'the staff chunk is lazy: reach it only through a dynamic import() (see src/kiosk/staff-corner).' },
  { folder: 'src/shared/schemas', allowTypeImports: true, reason: 'the schemas are zod and the citizen bundle carries no zod: use `import type`.' },
  { folder: 'src/collector', reason: 'collector code runs in Node, never on the tablet.' },
  { folder: 'src/build', reason: 'build code runs in Node at build time, never on the tablet.' },
  { folder: 'src/sw', reason: 'the service worker is its own bundle.' },
];

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/', 'vite.config.d.ts'] },
  tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js}'],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { house: { rules: { boundaries } } },
    rules: {
      'house/boundaries': 'error',
      'no-self-compare': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // The zod wall relies on type-only imports being marked as such.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Off: the tests' small CSV reader uses comma sequences on purpose.
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
  {
    // Test builders cast partial data on purpose.
    files: ['tests/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/kiosk/**'],
    ignores: ['src/kiosk/staff/**'],
    rules: {
      'house/boundaries': ['error', { deny: CITIZEN_DENY }],
      '@typescript-eslint/no-restricted-imports': packages(nodeBuiltins('The citizen path'), zodOnCitizenPath),
    },
  },
  {
    files: ['src/kiosk/staff/**'],
    rules: {
      'house/boundaries': [
        'error',
        {
          deny: [
            { folder: 'src/collector', reason: 'collector code runs in Node, never on the tablet.' },
            { folder: 'src/build', reason: 'build code runs in Node at build time, never on the tablet.' },
            { folder: 'src/sw', reason: 'the service worker is its own bundle.' },
          ],
        },
      ],
      '@typescript-eslint/no-restricted-imports': packages(nodeBuiltins('The staff area')),
    },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'house/boundaries': ['error', { allowOnly: ['src/shared'], allowOnlyReason: 'shared code imports nothing outside src/shared.' }],
      '@typescript-eslint/no-restricted-imports': packages(nodeBuiltins('Shared code also'), {
        regex: '^(preact|idb|workbox-[a-z-]+|fake-indexeddb|happy-dom)(/.*)?$',
        message: 'Shared code is pure: no DOM, UI or storage libraries (they belong to src/kiosk).',
      }),
    },
  },
  {
    files: ['src/sw/**'],
    rules: {
      'house/boundaries': ['error', { allowOnly: ['src/sw', 'src/shared'], allowOnlyReason: 'the service worker imports only src/shared and workbox.' }],
      '@typescript-eslint/no-restricted-imports': packages({
        regex: '^(?!workbox-)[^.].*$',
        message: 'The service worker imports only workbox (every byte of it can brick a fleet of tablets).',
      }),
    },
  },
  {
    files: ['src/collector/**'],
    rules: {
      'house/boundaries': [
        'error',
        {
          deny: [
            { folder: 'src/kiosk', reason: 'the collector runs in Node and never imports tablet code.' },
            { folder: 'src/sw', reason: 'the collector never imports the service worker.' },
          ],
        },
      ],
    },
  },
  {
    // preact's JSX types pull lib.dom into the collector's type check (node_modules/preact/src/jsx.d.ts
    // has `/// <reference lib="dom" />`), so the compiler cannot keep the DOM out of Node code; this does.
    files: ['src/collector/**', 'src/shared/**', 'src/build/**'],
    ignores: ['src/collector/staff-pages/browser/**'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'navigator', 'location', 'history', 'localStorage', 'sessionStorage', 'indexedDB', 'HTMLElement', 'Element', 'alert', 'confirm'].map(
          (name) => ({ name, message: `${name} is a browser global: this code runs in Node (or in both), where it does not exist.` }),
        ),
      ],
    },
  },
  {
    files: ['src/build/**'],
    rules: {
      'house/boundaries': [
        'error',
        {
          allowOnly: ['src/build', 'src/shared'],
          allowOnlyReason: 'build code imports only src/shared (the bundle it checks must not depend on it).',
        },
      ],
    },
  },
);
