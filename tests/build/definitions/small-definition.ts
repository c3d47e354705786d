/** A fresh copy each call, so a test can break it without touching the others. */
export function smallDefinition() {
  const text = (vi: string, en: string) => ({ vi, en });
  const item = (id: string) => ({ id, kind: 'satisfaction', required: false, scale: 'sat', text: text(`Câu ${id}`, `Item ${id}`) });
  const yesNo = () => [
    { code: 'yes', label: text('Có', 'Yes') },
    { code: 'no', label: text('Không', 'No') },
  ];
  return {
    id: 'small',
    version: 1,
    title: text('Phiếu nhỏ', 'Small form'),
    languages: ['vi', 'en'],
    wording: { verified: true, source: 'test' },
    scales: {
      sat: {
        options: [1, 2, 3, 4, 5].map((code) => ({ code, label: text(`Mức ${code}`, `Level ${code}`) })),
      },
    },
    scoring: { method: 'item-percent-mean', satisfiedCodes: [4, 5] },
    sections: [
      { id: 's1', component: 1, optional: false, part: 'core', title: text('Một', 'One'), questions: [item('A1')] },
      { id: 's2', component: 2, optional: false, part: 'core', title: text('Hai', 'Two'), questions: [item('B1')] },
      { id: 's3', component: 3, optional: false, part: 'core', title: text('Ba', 'Three'), questions: [item('C1')] },
      { id: 's4', component: 4, optional: false, part: 'core', title: text('Bốn', 'Four'), questions: [item('D1')] },
      { id: 'filter', optional: false, part: 'core', title: text('Lọc', 'Filter'), questions: [{ id: 'F0', kind: 'single', required: true, text: text('Có không?', 'Did you?'), options: yesNo() }] },
      { id: 's5', component: 5, optional: false, part: 'core', showIf: { question: 'F0', equals: 'yes' }, title: text('Năm', 'Five'), questions: [item('E1')] },
      {
        id: 'extra',
        optional: true,
        part: 'extra',
        title: text('Thêm', 'More'),
        questions: [
          { id: 'X1', kind: 'single', required: false, text: text('Chọn', 'Choose'), options: yesNo() },
          { id: 'X2', kind: 'text', required: false, maxLength: 100, text: text('Ý kiến', 'Comment') },
        ],
      },
    ] as Array<Record<string, any>>,
  };
}
