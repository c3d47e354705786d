import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { type SurveyDefinition } from '../../../src/shared/survey';
import { definitionSchema } from '../../../src/shared/schemas';
import { smallDefinition } from '../../build/definitions/small-definition';

const readShipped = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../survey-definitions/${name}`, import.meta.url), 'utf8'));

/** sipas-2023, service part: id, component, Vietnamese text copied from shared/sipas.md. */
const SIPAS_2023_ITEMS: Array<[id: string, component: number, vi: string]> = [
  ['TC1', 1, 'Cơ quan cung cấp thông tin về việc giải quyết thủ tục hành chính theo nhiều hình thức, dễ tiếp cận, dễ hiểu đối với mọi người dân.'],
  ['TC2', 1, 'Trụ sở cơ quan tiếp nhận hồ sơ, trả kết quả giải quyết thủ tục hành chính có biển hiệu, hướng dẫn rõ ràng, dễ thấy.'],
  ['TC3', 1, 'Trụ sở cơ quan tiếp nhận hồ sơ, trả kết quả giải quyết thủ tục hành chính sạch sẽ, văn minh.'],
  ['TC4', 1, 'Trang thiết bị phục vụ người dân đầy đủ, chất lượng tốt, giúp người dân giải quyết công việc dễ dàng hơn.'],
  ['TT1', 2, 'Quy định thủ tục hành chính được niêm yết công khai tại trụ sở cơ quan tiếp nhận hồ sơ, trả kết quả giải quyết thủ tục hành chính dễ thấy, dễ hiểu.'],
  ['TT2', 2, 'Thành phần hồ sơ người dân phải nộp là đúng quy định.'],
  ['TT3', 2, 'Mức phí/lệ phí người dân phải nộp là đúng quy định.'],
  ['TT4', 2, 'Thời hạn giải quyết thủ tục hành chính cho người dân là đúng quy định.'],
  ['CC1', 3, 'Công chức có thái độ giao tiếp lịch sự, tôn trọng đối với người dân.'],
  ['CC2', 3, 'Công chức cung cấp thông tin, trả lời kịp thời, đầy đủ các câu hỏi, ý kiến của người dân.'],
  ['CC3', 3, 'Công chức hướng dẫn hồ sơ dễ hiểu, đảm bảo người dân có thể hoàn thiện hồ sơ sau một lần hướng dẫn.'],
  ['CC4', 3, 'Công chức tuân thủ đúng quy định trong giải quyết công việc cho người dân.'],
  ['CC5', 3, 'Công chức tận tình đối với người dân trong quá trình giải quyết công việc.'],
  ['KQ1', 4, 'Kết quả giải quyết thủ tục hành chính cho người dân được trả đúng hẹn.'],
  ['KQ2', 4, 'Kết quả giải quyết thủ tục hành chính cho người dân có thông tin đầy đủ, chính xác.'],
  ['KQ3', 4, 'Kết quả giải quyết thủ tục hành chính cho người dân đảm bảo tính công bằng.'],
  ['PA1', 5, 'Cơ quan có bố trí hình thức tiếp nhận phản ánh, kiến nghị, giúp người dân phản ánh, kiến nghị dễ dàng.'],
  ['PA2', 5, 'Cơ quan tiếp nhận, xử lý phản ánh, kiến nghị của người dân đúng quy định.'],
  ['PA3', 5, 'Cơ quan thông báo kết quả xử lý phản ánh, kiến nghị cho người dân kịp thời.'],
];

const satisfactionItems = (definition: SurveyDefinition) =>
  definition.sections.flatMap((section) =>
    section.questions.filter((q) => q.kind === 'satisfaction').map((q) => ({ id: q.id, component: section.component, text: q.text })),
  );

/** Issues as [JSON path, message, input]; zod keeps `input` only with reportInput. */
const issuesOf = (value: unknown) => {
  const result = definitionSchema.safeParse(value, { reportInput: true });
  return result.success ? [] : result.error.issues.map((i) => [i.path.join('.'), i.message, i.input]);
};

describe('shipped definitions', () => {
  it.each(['sipas-2023.json', 'sipas-2017.json'])('%s is valid and written in full (parsing adds no default)', (name) => {
    const raw = readShipped(name);
    const result = definitionSchema.safeParse(raw);
    expect(result.error?.issues ?? []).toEqual([]);
    // The kiosk bundles the JSON without zod, so every default must already be in the file.
    expect(result.data).toEqual(raw);
  });
});

describe('sipas-2023', () => {
  const definition = definitionSchema.parse(readShipped('sipas-2023.json'));

  it('is version 1 in Vietnamese then English', () => {
    expect([definition.id, definition.version, definition.languages]).toEqual(['sipas-2023', 1, ['vi', 'en']]);
  });

  it('has exactly the 19 items of the 2023 method, in order, with their components', () => {
    expect(satisfactionItems(definition).map((i) => [i.id, i.component])).toEqual(SIPAS_2023_ITEMS.map(([id, c]) => [id, c]));
  });

  it.each(SIPAS_2023_ITEMS)('%s carries the Vietnamese wording of sipas.md verbatim', (id, _component, vi) => {
    const item = satisfactionItems(definition).find((i) => i.id === id);
    expect(item?.text.vi).toBe(vi);
    expect(item?.text.vi.normalize('NFC')).toBe(item?.text.vi);
    expect(item?.text.en).toMatch(/^[A-Z].{20,}\.$/);
  });

  it('asks every item on the shared five-point scale and lets the citizen skip it', () => {
    const questions = definition.sections.flatMap((s) => s.questions).filter((q) => q.kind === 'satisfaction');
    expect(questions.every((q) => q.scale === 'satisfaction5' && q.required === false)).toBe(true);
    expect(definition.scales.satisfaction5!.options.map((o) => [o.code, o.label.vi])).toEqual([
      [1, 'Rất không hài lòng'],
      [2, 'Không hài lòng'],
      [3, 'Bình thường'],
      [4, 'Hài lòng'],
      [5, 'Rất hài lòng'],
    ]);
    expect(definition.scoring).toEqual({ method: 'item-percent-mean', satisfiedCodes: [4, 5] });
  });

  it('has the sections and question ids in the agreed order', () => {
    expect(definition.sections.map((s) => [s.id, s.component ?? null, s.optional, s.questions.map((q) => q.id).join(' ')])).toEqual([
      ['access', 1, false, 'TC1 TC2 TC3 TC4'],
      ['procedures', 2, false, 'TT1 TT2 TT3 TT4'],
      ['civilServants', 3, false, 'CC1 CC2 CC3 CC4 CC5'],
      ['results', 4, false, 'KQ1 KQ2 KQ3'],
      ['feedbackFilter', null, false, 'PA0'],
      ['feedback', 5, false, 'PA1 PA2 PA3'],
      ['integrity', null, true, 'INT1 INT2'],
      ['process', null, true, 'PROC1 PROC2 PROC3 PROC4'],
      ['channels', null, true, 'CH1 CH2'],
      ['priorities', null, true, 'PRI1 PRI2 PRI3 PRI4 PRI5 PRI6 PRI7 PRI8'],
      ['profile', null, true, 'RESP_TYPE GENDER AGE EDU OCC'],
      ['serviceField', null, true, 'FIELD'],
      ['comment', null, true, 'COMMENT'],
    ]);
  });

  it('asks component 5 only of people who answered yes to the required feedback filter', () => {
    const filter = definition.sections.find((s) => s.id === 'feedbackFilter')!.questions[0]!;
    expect(filter).toMatchObject({ id: 'PA0', kind: 'single', required: true });
    expect(filter.kind === 'single' && filter.options.map((o) => [o.code, o.label.vi])).toEqual([
      ['yes', 'Có'],
      ['no', 'Không'],
    ]);
    expect(definition.sections.find((s) => s.component === 5)!.showIf).toEqual({ question: 'PA0', equals: 'yes' });
  });

  it('asks about notice and apology only when the result was late', () => {
    const process = definition.sections.find((s) => s.id === 'process')!;
    expect(process.questions.map((q) => [q.id, q.showIf ?? null])).toEqual([
      ['PROC1', null],
      ['PROC2', null],
      ['PROC3', { question: 'PROC2', equals: 'yes' }],
      ['PROC4', { question: 'PROC2', equals: 'yes' }],
    ]);
  });

  it('offers the three-level answers of the official form', () => {
    const codes = (id: string) => {
      const q = definition.sections.flatMap((s) => s.questions).find((x) => x.id === id)!;
      return q.kind === 'single' ? q.options.map((o) => `${o.code}=${o.label.vi}`).join(' ') : '';
    };
    expect(codes('INT1')).toBe('none=Không có some=Một số many=Nhiều');
    expect(codes('PROC1')).toBe('c0=0 lần c1=1 lần c2plus=2 lần trở lên');
    expect(codes('CH2')).toBe('inPerson=Trực tiếp online=Trực tuyến both=Cả hai');
    for (let n = 1; n <= 8; n++) expect(codes(`PRI${n}`)).toBe('veryMuch=Rất nhiều much=Nhiều little=Ít');
  });

  it('keeps the open comment to 1000 characters and says the wording is not verified', () => {
    const comment = definition.sections.at(-1)!.questions[0]!;
    expect(comment).toMatchObject({ id: 'COMMENT', kind: 'text', maxLength: 1000, text: { vi: 'Ý kiến khác (xin ghi cụ thể)' } });
    expect(definition.wording.verified).toBe(false);
    expect(definition.wording.source).toContain('1001/QĐ-BNV');
  });
});

describe('sipas-2017', () => {
  const definition = definitionSchema.parse(readShipped('sipas-2017.json'));

  it('has 22 criteria in five components of 4, 5, 6, 3 and 4', () => {
    const items = satisfactionItems(definition);
    expect(items).toHaveLength(22);
    expect([1, 2, 3, 4, 5].map((c) => items.filter((i) => i.component === c).length)).toEqual([4, 5, 6, 3, 4]);
    expect(items.map((i) => i.id).join(' ')).toBe(
      'TC1 TC2 TC3 TC4 TT1 TT2 TT3 TT4 TT5 CC1 CC2 CC3 CC4 CC5 CC6 KQ1 KQ2 KQ3 PA1 PA2 PA3 PA4',
    );
  });

  it('puts component 5 behind the feedback filter and ends with the open comment', () => {
    expect(definition.sections.map((s) => s.id)).toEqual(['access', 'procedures', 'civilServants', 'results', 'feedbackFilter', 'feedback', 'comment']);
    expect(definition.sections[5]!.showIf).toEqual({ question: 'PA0', equals: 'yes' });
  });

  it('says in both languages that its wording was not checked against the official form', () => {
    expect(definition.wording.verified).toBe(false);
    expect(definition.wording.source).toContain('2640/QĐ-BNV');
    expect(definition.wording.note?.vi).toContain('CHƯA được đối chiếu');
    expect(definition.wording.note?.en).toContain('NOT verified');
  });
});

describe('definitionSchema rules', () => {
  it('accepts the small test definition', () => {
    expect(issuesOf(smallDefinition())).toEqual([]);
  });

  it.each<[string, (d: ReturnType<typeof smallDefinition>) => void, unknown[][]]>([
    [
      'a question id used twice',
      (d) => (d.sections[1]!.questions[0]!.id = 'A1'),
      [['sections.1.questions.0.id', 'a question id unique in the definition', 'A1']],
    ],
    [
      'a condition on an unknown question',
      (d) => (d.sections[6]!.questions[0]!.showIf = { question: 'Q9', equals: 'yes' }),
      [['sections.6.questions.0.showIf.question', 'an earlier question (B1, C1, D1, F0, E1…)', 'Q9']],
    ],
    [
      'a condition on a later question',
      (d) => (d.sections[5]!.showIf = { question: 'X1', equals: 'yes' }),
      [['sections.5.showIf.question', 'an earlier question (A1, B1, C1, D1, F0…)', 'X1']],
    ],
    [
      'a condition on an option the question does not have',
      (d) => (d.sections[5]!.showIf = { question: 'F0', equals: 'maybe' }),
      [['sections.5.showIf.equals', 'one of yes, no of question F0', 'maybe']],
    ],
    [
      'a missing English translation',
      (d) => delete d.sections[2]!.questions[0]!.text.en,
      [['sections.2.questions.0.text.en', 'a "en" translation', undefined]],
    ],
    [
      'a required question in an optional section',
      (d) => ((d.sections[6]!.questions[0] as { required: boolean }).required = true),
      [['sections.6.questions.0.required', 'false: questions of optional sections cannot be required', true]],
    ],
    [
      'a scored component that depends on an optional section',
      (d) => {
        const extra = d.sections.splice(6, 1)[0]!;
        // An optional section may be core; it is moved before the component, so it must be.
        extra.part = 'core';
        d.sections.splice(4, 0, extra);
        d.sections[6]!.showIf = { question: 'X1', equals: 'yes' };
      },
      [['sections.6.showIf', 'a condition on questions of non-optional sections (staff can switch optional ones off)', 'X1']],
    ],
    [
      'a scale with a code twice',
      (d) => (d.scales.sat.options[4]!.code = 4),
      [['scales.sat.options', 'codes 1, 2, 3, 4, 5 once each', [1, 2, 3, 4, 4]]],
    ],
    [
      'a satisfaction item outside a component',
      (d) => d.sections[6]!.questions.push({ id: 'Z1', kind: 'satisfaction', required: false, scale: 'sat', text: { vi: 'Z', en: 'Z' } }),
      [['sections.6.questions.2.kind', 'satisfaction items only inside a scored component section', 'satisfaction']],
    ],
    [
      'no section for component 4',
      (d) => d.sections.splice(3, 1),
      [['sections', 'a section for SIPAS component 4', [1, 2, 3, 5]]],
    ],
    [
      'a scored component marked optional',
      (d) => (d.sections[0]!.optional = true),
      [['sections.0.optional', 'scored components cannot be optional', true]],
    ],
    [
      'a scored component among the extras',
      (d) => (d.sections[5]!.part = 'extra'),
      [['sections.5.part', '"core": section s5 is SIPAS component 5', 'extra']],
    ],
    [
      'a core section after an extra one',
      (d) => (d.sections[4]!.part = 'extra'),
      [['sections.5.part', '"extra": a core section cannot follow the extra section filter (sections[4])', 'core']],
    ],
    [
      'core sections after an extra one, each named',
      (d) => d.sections.unshift({ id: 'intro', optional: true, part: 'extra', title: { vi: 'Mở đầu', en: 'Intro' }, questions: [{ id: 'I1', kind: 'text', required: false, maxLength: 10, text: { vi: 'Chào', en: 'Hello' } }] }),
      [1, 2, 3, 4, 5, 6].map((s) => [`sections.${s}.part`, '"extra": a core section cannot follow the extra section intro (sections[0])', 'core']),
    ],
    [
      'no core section at all',
      (d) => d.sections.forEach((section) => (section.part = 'extra')),
      [
        ...[[0, 1], [1, 2], [2, 3], [3, 4], [5, 5]].map(([s, c]) => [`sections.${s}.part`, `"core": section s${c} is SIPAS component ${c}`, 'extra']),
        ['sections', 'at least one section with part "core"', ['extra', 'extra', 'extra', 'extra', 'extra', 'extra', 'extra']],
      ],
    ],
    [
      'a part that is neither core nor extra',
      (d) => (d.sections[6]!.part = 'bonus'),
      [['sections.6.part', 'Invalid option: expected one of "core"|"extra"', 'bonus']],
    ],
    [
      'a text limit above 2000',
      (d) => (d.sections[6]!.questions[1]!.maxLength = 2001),
      [['sections.6.questions.1.maxLength', 'Too big: expected number to be <=2000', 2001]],
    ],
  ])('reports %s with its path', (_name, breakIt, expected) => {
    const definition = smallDefinition();
    breakIt(definition);
    expect(issuesOf(definition)).toEqual(expected);
  });

  it('takes a section without a part as core, so older definitions keep their path', () => {
    const definition = smallDefinition();
    for (const section of definition.sections) delete section.part;
    const parsed = definitionSchema.parse(definition);
    expect(parsed.sections.map((section) => section.part)).toEqual(['core', 'core', 'core', 'core', 'core', 'core', 'core']);
  });
});
