import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFINITIONS_DIR, checkDefinitionText, definitionsPlugin, formatProblem, loadDefinitionsFromDir } from '../../../src/build/definitions';
import { smallDefinition } from './small-definition';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const FILE = 'survey-definitions/small.json';

type Small = ReturnType<typeof smallDefinition>;

/** The problems for the small definition after `breakIt`, checked as survey-definitions/small.json. */
const problemsAfter = (breakIt: (d: Small) => void) => {
  const definition = smallDefinition();
  breakIt(definition);
  return checkDefinitionText(FILE, JSON.stringify(definition, null, 2)).problems;
};

const tempDirs: string[] = [];
const tempDir = (files: Record<string, unknown>) => {
  const dir = mkdtempSync(join(tmpdir(), 'sipas-definitions-'));
  tempDirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
};
afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the shipped definitions directory', () => {
  it('is survey-definitions at the repository root', () => {
    expect(DEFINITIONS_DIR).toBe(join(REPO, 'survey-definitions'));
    expect(existsSync(join(DEFINITIONS_DIR, 'sipas-2023.json'))).toBe(true);
  });

  it('loads sipas-2017 and sipas-2023 without a problem', () => {
    const { definitions, problems } = loadDefinitionsFromDir(DEFINITIONS_DIR);
    expect(problems.map(formatProblem)).toEqual([]);
    expect(definitions.map((d) => `${d.id}@${d.version}`)).toEqual(['sipas-2017@1', 'sipas-2023@1']);
  });
});

describe('checkDefinitionText', () => {
  it('returns the parsed definition when nothing is wrong', () => {
    const { definition, problems } = checkDefinitionText(FILE, JSON.stringify(smallDefinition()));
    expect(problems).toEqual([]);
    expect(definition?.id).toBe('small');
  });

  it.each<[string, (d: Small) => void, { path: string; expected: string; found: string }]>([
    [
      'a duplicate question id',
      (d) => (d.sections[1]!.questions[0]!.id = 'A1'),
      { path: '$.sections[1].questions[0].id', expected: 'a question id unique in the definition', found: '"A1"' },
    ],
    [
      'a condition on an unknown question',
      (d) => (d.sections[6]!.questions[0]!.showIf = { question: 'Q9', equals: 'yes' }),
      { path: '$.sections[6].questions[0].showIf.question', expected: 'an earlier question (B1, C1, D1, F0, E1…)', found: '"Q9"' },
    ],
    [
      'a condition on a later question',
      (d) => (d.sections[5]!.showIf = { all: [{ question: 'F0', equals: 'yes' }, { question: 'X2', answered: true }] }),
      { path: '$.sections[5].showIf.all[1].question', expected: 'an earlier question (A1, B1, C1, D1, F0…)', found: '"X2"' },
    ],
    [
      'a missing "en" translation',
      (d) => delete d.sections[2]!.questions[0]!.text.en,
      { path: '$.sections[2].questions[0].text.en', expected: 'a "en" translation', found: 'nothing' },
    ],
    [
      'a scale with wrong codes',
      (d) => (d.scales.sat.options[0]!.code = 5),
      { path: '$.scales.sat.options', expected: 'codes 1, 2, 3, 4, 5 once each', found: '[2,3,4,5,5]' },
    ],
    [
      'a satisfaction item outside a component',
      (d) => (d.sections[6]!.questions[0] = { id: 'Z1', kind: 'satisfaction', required: false, scale: 'sat', text: { vi: 'Z', en: 'Z' } }),
      { path: '$.sections[6].questions[0].kind', expected: 'satisfaction items only inside a scored component section', found: '"satisfaction"' },
    ],
    [
      'a missing component 4',
      (d) => d.sections.splice(3, 1),
      { path: '$.sections', expected: 'a section for SIPAS component 4', found: '[1,2,3,5]' },
    ],
    [
      'a text maxLength above 2000',
      (d) => (d.sections[6]!.questions[1]!.maxLength = 5000),
      { path: '$.sections[6].questions[1].maxLength', expected: 'a number at most 2000', found: '5000' },
    ],
    [
      'a text maxLength of 0',
      (d) => (d.sections[6]!.questions[1]!.maxLength = 0),
      { path: '$.sections[6].questions[1].maxLength', expected: 'a number at least 1', found: '0' },
    ],
    [
      'a misspelt field',
      (d) => (d.sections[0]!.questions[0]!.requried = true),
      { path: '$.sections[0].questions[0].requried', expected: 'no field "requried" here (misspelt or misplaced?)', found: 'true' },
    ],
    [
      'an unknown question kind',
      (d) => (d.sections[6]!.questions[0]!.kind = 'choice'),
      { path: '$.sections[6].questions[0].kind', expected: 'one of "satisfaction", "single", "multiple", "text"', found: '"choice"' },
    ],
    [
      'a malformed condition',
      (d) => (d.sections[5]!.showIf = { question: 'F0', equal: 'yes' }),
      {
        path: '$.sections[5].showIf',
        expected: 'a condition: {"question", "equals"}, {"question", "in"}, {"question", "answered"}, {"all"}, {"any"} or {"not"}',
        found: '{"question":"F0","equal":"yes"}',
      },
    ],
    [
      'an option code that is not an identifier',
      (d) => (d.sections[6]!.questions[0]!.options[0].code = '2plus'),
      { path: '$.sections[6].questions[0].options[0].code', expected: 'an identifier: a letter, then letters, digits or _ (at most 40)', found: '"2plus"' },
    ],
    [
      'a missing question text',
      (d) => delete d.sections[0]!.questions[0]!.text,
      { path: '$.sections[0].questions[0].text', expected: 'an object { … }', found: 'nothing' },
    ],
    [
      'a long found value',
      (d) => (d.sections[6]!.questions[0]!.options[0].code = `x ${'long '.repeat(20)}`),
      { path: '$.sections[6].questions[0].options[0].code', expected: 'an identifier: a letter, then letters, digits or _ (at most 40)', found: `"x ${'long '.repeat(11)}l…` },
    ],
    [
      'a section that does not state its part',
      (d) => delete d.sections[6]!.part,
      { path: '$.sections[6].part', expected: '"core" (scored, asked first) or "extra" (optional, offered after the checkpoint)', found: 'nothing' },
    ],
    [
      'a part that is neither core nor extra',
      (d) => (d.sections[6]!.part = 'later'),
      { path: '$.sections[6].part', expected: 'one of "core", "extra"', found: '"later"' },
    ],
    [
      'a scored component among the extras',
      (d) => (d.sections[5]!.part = 'extra'),
      { path: '$.sections[5].part', expected: '"core": section s5 is SIPAS component 5', found: '"extra"' },
    ],
    [
      'a core section after an extra one',
      (d) => (d.sections[4]!.part = 'extra'),
      { path: '$.sections[5].part', expected: '"extra": a core section cannot follow the extra section filter (sections[4])', found: '"core"' },
    ],
  ])('reports %s with file, path, expected and found', (_name, breakIt, problem) => {
    expect(problemsAfter(breakIt)).toEqual([{ file: FILE, ...problem }]);
  });

  it('reports every section without a part, also beside other problems', () => {
    const problems = problemsAfter((d) => {
      delete d.sections[0]!.part;
      delete d.sections[6]!.part;
      d.sections[1]!.questions[0]!.id = 'A1';
    });
    expect(problems.map((p) => p.path)).toEqual(['$.sections[1].questions[0].id', '$.sections[0].part', '$.sections[6].part']);
  });

  it('reports a scale code outside 1–5 both where it is and on the scale', () => {
    expect(problemsAfter((d) => (d.scales.sat.options[0]!.code = 0))).toEqual([
      { file: FILE, path: '$.scales.sat.options[0].code', expected: 'a number at least 1', found: '0' },
      { file: FILE, path: '$.scales.sat.options', expected: 'codes 1, 2, 3, 4, 5 once each', found: '[0,2,3,4,5]' },
    ]);
  });

  it('reports invalid JSON with line and column and the likely cause', () => {
    const text = '{\n  "id": "small"\n  "version": 1\n}\n';
    expect(checkDefinitionText(FILE, text)).toEqual({
      problems: [
        {
          file: FILE,
          path: 'line 3, column 3',
          expected: 'valid JSON: "," or "}" after a field value (is a comma missing at the end of line 2?)',
          found: '"version"',
        },
      ],
    });
  });

  it('reports a trailing comma where it is', () => {
    const [problem] = checkDefinitionText(FILE, '{\n  "languages": ["vi", "en",]\n}').problems;
    expect(problem).toEqual({
      file: FILE,
      path: 'line 2, column 28',
      expected: 'valid JSON: another item after the comma (JSON allows no comma before ])',
      found: ']',
    });
  });

  it('ignores a byte-order mark', () => {
    expect(checkDefinitionText(FILE, `\ufeff${JSON.stringify(smallDefinition())}`).problems).toEqual([]);
  });

  it.each([
    ['survey-definitions/small.json', 1, []],
    ['survey-definitions/small-v1.json', 1, []],
    [
      'survey-definitions/small-v2.json',
      1,
      [{ path: '$.version', expected: '2, the version in the file name small-v2.json', found: '1' }],
    ],
    [
      'survey-definitions/other.json',
      1,
      [{ path: '$.id', expected: '"other", the id in the file name (files are named <id>.json or <id>-v<version>.json)', found: '"small"' }],
    ],
    [
      'survey-definitions/other-v3.json',
      3,
      [{ path: '$.id', expected: '"other", the id in the file name (files are named <id>.json or <id>-v<version>.json)', found: '"small"' }],
    ],
  ])('checks the file name %s against id and version %i', (file, version, expected) => {
    const definition = { ...smallDefinition(), version };
    const { problems } = checkDefinitionText(file, JSON.stringify(definition));
    expect(problems).toEqual(expected.map((p) => ({ file, ...p })));
  });

  it('formats a problem on one line: file, path, expected, found', () => {
    expect(formatProblem({ file: 'survey-definitions/x.json', path: '$.sections[2].questions[0].showIf.question', expected: 'an earlier question (A1…)', found: '"Q9"' })).toBe(
      'survey-definitions/x.json  $.sections[2].questions[0].showIf.question: expected an earlier question (A1…), found "Q9"',
    );
  });
});

describe('loadDefinitionsFromDir', () => {
  it('reports the same id@version in two files and keeps the first', () => {
    const dir = tempDir({ 'small.json': smallDefinition(), 'small-v1.json': smallDefinition() });
    const { definitions, problems } = loadDefinitionsFromDir(dir);
    expect(problems).toEqual([
      { file: join(dir, 'small.json'), path: '$.version', expected: 'an id@version in one file only (small@1 is also in small-v1.json)', found: '1' },
    ]);
    expect(definitions.map((d) => `${d.id}@${d.version}`)).toEqual(['small@1']);
  });

  it('reports an older-version file that is newer than <id>.json', () => {
    const dir = tempDir({ 'small.json': smallDefinition(), 'small-v2.json': { ...smallDefinition(), version: 2 } });
    expect(loadDefinitionsFromDir(dir).problems).toEqual([
      {
        file: join(dir, 'small-v2.json'),
        path: '$.version',
        expected: 'a version older than small.json (version 1), which holds the current one',
        found: '2',
      },
    ]);
  });

  it('loads the current and older versions side by side, ignoring other files', () => {
    const dir = tempDir({ 'small.json': { ...smallDefinition(), version: 3 }, 'small-v2.json': { ...smallDefinition(), version: 2 }, 'README.md': '# notes' });
    const { definitions, problems } = loadDefinitionsFromDir(dir);
    expect(problems).toEqual([]);
    expect(definitions.map((d) => `${d.id}@${d.version}`)).toEqual(['small@2', 'small@3']);
  });

  it('reports every broken file, not only the first', () => {
    const broken = smallDefinition();
    delete (broken.sections[0]!.questions[0]!.text as { en?: string }).en;
    const dir = tempDir({ 'a.json': '{', 'small.json': broken });
    expect(loadDefinitionsFromDir(dir).problems.map(formatProblem)).toEqual([
      `${join(dir, 'a.json')}  line 1, column 2: expected valid JSON: a field name in "double quotes", found the end of the file`,
      `${join(dir, 'small.json')}  $.sections[0].questions[0].text.en: expected a "en" translation, found nothing`,
    ]);
  });

  it('reports a missing directory and an empty one', () => {
    const missing = join(tmpdir(), 'sipas-definitions-does-not-exist');
    expect(loadDefinitionsFromDir(missing).problems).toEqual([{ file: missing, path: '$', expected: 'a directory of definition files', found: 'nothing' }]);
    const empty = tempDir({});
    expect(loadDefinitionsFromDir(empty).problems).toEqual([{ file: empty, path: '$', expected: 'at least one definition file (*.json)', found: 'nothing' }]);
  });
});

describe('the definitions:check CLI', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/build/definitions/main.ts', ...args], { cwd: REPO, encoding: 'utf8' });

  it('prints ok with every id@version for the shipped files', () => {
    const result = run();
    expect([result.status, result.stdout, result.stderr]).toEqual([0, 'ok: 2 definitions (sipas-2017@1, sipas-2023@1)\n', '']);
  });

  it('prints each problem on its own line and exits 1', () => {
    const broken = smallDefinition();
    broken.sections[6]!.questions[0]!.showIf = { question: 'Q9', equals: 'yes' };
    const dir = tempDir({ 'small.json': broken, 'other.json': smallDefinition() });
    const result = run(dir);
    expect(result.status).toBe(1);
    expect(result.stderr.split('\n')).toEqual([
      `${join(dir, 'other.json')}  $.id: expected "other", the id in the file name (files are named <id>.json or <id>-v<version>.json), found "small"`,
      `${join(dir, 'small.json')}  $.sections[6].questions[0].showIf.question: expected an earlier question (B1, C1, D1, F0, E1…), found "Q9"`,
      '',
    ]);
  });
});

describe('definitionsPlugin', () => {
  const buildWith = (definitionsDir: string) => {
    const root = tempDir({ 'entry.js': 'export const answer = 42;\n' });
    mkdirSync(join(root, 'out'));
    return build({
      configFile: false,
      root,
      logLevel: 'silent',
      plugins: [definitionsPlugin(definitionsDir)],
      build: { write: false, lib: { entry: join(root, 'entry.js'), formats: ['es'], fileName: 'entry' } },
    });
  };

  it('fails the build with every problem formatted', async () => {
    const broken = smallDefinition();
    broken.sections.splice(3, 1);
    const dir = tempDir({ 'small.json': broken, 'x.json': '[1 2]' });
    await expect(buildWith(dir)).rejects.toThrow(
      [
        '2 problem(s) in survey definitions:',
        `${join(dir, 'small.json')}  $.sections: expected a section for SIPAS component 4, found [1,2,3,5]`,
        `${join(dir, 'x.json')}  line 1, column 4: expected valid JSON: "," or "]" after a list item, found 2`,
      ].join('\n'),
    );
  });

  it('lets the build through when every definition is valid', async () => {
    await expect(buildWith(tempDir({ 'small.json': smallDefinition() }))).resolves.toBeTruthy();
  });
});
