import { z } from 'zod';
import { DEFINITION_ID, DEFINITION_ID_DESCRIPTION, IDENTIFIER, IDENTIFIER_DESCRIPTION, LANGUAGE_CODE, LANGUAGE_CODE_DESCRIPTION } from '../ids';

/** Identifier of a question, section, option or scale: safe as a CSV column name and a JSON key. */
const identifier = z.string().regex(IDENTIFIER, IDENTIFIER_DESCRIPTION);

/** A two-letter language code such as "vi" or "en". */
export const languageCodeSchema = z.string().regex(LANGUAGE_CODE, LANGUAGE_CODE_DESCRIPTION);

/**
 * A text in every language of the definition. Which languages must be present is checked at the
 * definition level (missing translations are reported with their path).
 */
export const localizedTextSchema = z.record(languageCodeSchema, z.string().trim().min(1, 'a non-empty text'));
export type LocalizedText = z.infer<typeof localizedTextSchema>;

/** Condition under which a question or a whole section is shown; evaluated over earlier answers. */
export type Condition =
  | { question: string; equals: string | number }
  | { question: string; in: Array<string | number> }
  | { question: string; answered: boolean }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ question: identifier, equals: z.union([z.string(), z.number()]) }),
    z.strictObject({ question: identifier, in: z.array(z.union([z.string(), z.number()])).min(1) }),
    z.strictObject({ question: identifier, answered: z.boolean() }),
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
  ]),
);

const choiceOptionSchema = z.strictObject({ code: identifier, label: localizedTextSchema });

const questionBase = {
  id: identifier,
  text: localizedTextSchema,
  /** Extra explanation shown under the question text. */
  help: localizedTextSchema.optional(),
  /** A required question cannot be skipped; an optional one offers a visible "skip". */
  required: z.boolean().default(false),
  showIf: conditionSchema.optional(),
};

/** The 5-point satisfaction item that SIPAS scores (codes 1–5, number shown with the label). */
export const satisfactionQuestionSchema = z.strictObject({
  ...questionBase,
  kind: z.literal('satisfaction'),
  /** Key into the definition's `scales`. */
  scale: identifier,
  /** Short label of the item for reports (e.g. the English gloss or a code). */
  shortLabel: localizedTextSchema.optional(),
});

export const singleChoiceQuestionSchema = z.strictObject({
  ...questionBase,
  kind: z.literal('single'),
  options: z.array(choiceOptionSchema).min(2, 'at least two options'),
});

export const multipleChoiceQuestionSchema = z.strictObject({
  ...questionBase,
  kind: z.literal('multiple'),
  options: z.array(choiceOptionSchema).min(2, 'at least two options'),
  maxSelected: z.int().positive().optional(),
});

export const freeTextQuestionSchema = z.strictObject({
  ...questionBase,
  kind: z.literal('text'),
  /** Hard limit on characters; the kiosk stops input there and the collector rejects longer. */
  maxLength: z.int().min(1).max(2000),
});

export const questionSchema = z.discriminatedUnion('kind', [
  satisfactionQuestionSchema,
  singleChoiceQuestionSchema,
  multipleChoiceQuestionSchema,
  freeTextQuestionSchema,
]);
export type Question = z.infer<typeof questionSchema>;
export type SatisfactionQuestion = z.infer<typeof satisfactionQuestionSchema>;
export type SingleChoiceQuestion = z.infer<typeof singleChoiceQuestionSchema>;
export type MultipleChoiceQuestion = z.infer<typeof multipleChoiceQuestionSchema>;
export type FreeTextQuestion = z.infer<typeof freeTextQuestionSchema>;
export type QuestionKind = Question['kind'];

/** A 5-point scale; SIPAS counts the `satisfiedCodes` (4 and 5) as satisfied. */
export const scaleSchema = z.strictObject({
  options: z
    .array(z.strictObject({ code: z.int().min(1).max(5), label: localizedTextSchema }))
    .length(5, 'exactly five options, codes 1 to 5'),
});
export type Scale = z.infer<typeof scaleSchema>;

/** The two parts of a path: the scored core, then the optional extras. */
export const SURVEY_PARTS = ['core', 'extra'] as const;

export const sectionSchema = z.strictObject({
  id: identifier,
  title: localizedTextSchema,
  /** SIPAS component number (1–5) when this section is one of the five scored components. */
  component: z.int().min(1).max(5).optional(),
  /** Optional sections can be switched off per kiosk by staff (never the scored components). */
  optional: z.boolean().default(false),
  /**
   * "core": asked first, the part a response needs to count (every scored component is core);
   * "extra": optional questions offered after the checkpoint, which the citizen may leave unasked.
   * Defaults to "core" so definitions written before this field keep their old path (everything up
   * to the review is core); definitions:check still requires it in every definition file, so the
   * shipped and province-made definitions state it explicitly.
   */
  part: z.enum(SURVEY_PARTS).default('core'),
  showIf: conditionSchema.optional(),
  questions: z.array(questionSchema).min(1, 'at least one question'),
});
export type Section = z.infer<typeof sectionSchema>;

export const scoringSchema = z.strictObject({
  /**
   * The named aggregation: % satisfied per item, the mean of defined items per component, the mean
   * of defined components overall (see shared/sipas.md, "Scoring").
   */
  method: z.literal('item-percent-mean'),
  satisfiedCodes: z.array(z.int().min(1).max(5)).min(1),
});

const definitionShape = z.strictObject({
    id: z.string().regex(DEFINITION_ID, DEFINITION_ID_DESCRIPTION),
    /** Whole number, raised on every change of wording or structure. */
    version: z.int().positive(),
    title: localizedTextSchema,
    description: localizedTextSchema.optional(),
    /** Languages every text must be given in; the first is the default. */
    languages: z.array(languageCodeSchema).min(1),
    /** Where the wording comes from and whether it was checked against the official form. */
    wording: z.strictObject({
      verified: z.boolean(),
      source: z.string().min(1),
      note: localizedTextSchema.optional(),
    }),
    scales: z.record(identifier, scaleSchema),
    scoring: scoringSchema,
    sections: z.array(sectionSchema).min(1),
});

/** A questionnaire definition as stored in survey-definitions/*.json. */
export const definitionSchema = definitionShape.superRefine((definition, ctx) => checkDefinitionIntegrity(definition, ctx));

/** A validated questionnaire definition. */
export type SurveyDefinition = z.infer<typeof definitionSchema>;

type RawDefinition = z.infer<typeof definitionShape>;

/** Cross-field rules zod cannot express per field: ids, references, translations, components. */
function checkDefinitionIntegrity(definition: RawDefinition, ctx: z.RefinementCtx): void {
  const issue = (path: PropertyKey[], message: string, input?: unknown) =>
    ctx.addIssue({ code: 'custom', path, message, input });

  const languages = new Set(definition.languages);
  if (languages.size !== definition.languages.length) {
    issue(['languages'], 'each language listed once', definition.languages);
  }
  checkTranslations(definition, definition.languages, issue);

  for (const [scaleId, scale] of Object.entries(definition.scales)) {
    const codes = scale.options.map((o) => o.code).sort();
    if (codes.join(',') !== '1,2,3,4,5') {
      issue(['scales', scaleId, 'options'], 'codes 1, 2, 3, 4, 5 once each', codes);
    }
  }

  const sectionIds = new Set<string>();
  const questionIndex = new Map<string, { kind: QuestionKind; order: number; options?: string[] }>();
  const components = new Map<number, number>();
  const optionalQuestions = new Set<string>();
  let order = 0;
  definition.sections.forEach((section, s) => {
    if (sectionIds.has(section.id)) issue(['sections', s, 'id'], `a unique section id`, section.id);
    sectionIds.add(section.id);
    if (section.component !== undefined) {
      if (components.has(section.component)) {
        issue(['sections', s, 'component'], `component ${section.component} in one section only`, section.component);
      }
      components.set(section.component, s);
      if (section.optional) issue(['sections', s, 'optional'], 'scored components cannot be optional', true);
    }
    if (section.showIf) {
      checkCondition(section.showIf, ['sections', s, 'showIf'], order);
      // Staff may switch optional sections off; a scored component must not vanish with them.
      if (section.component !== undefined) {
        for (const id of conditionQuestions(section.showIf)) {
          if (optionalQuestions.has(id)) issue(['sections', s, 'showIf'], 'a condition on questions of non-optional sections (staff can switch optional ones off)', id);
        }
      }
    }
    section.questions.forEach((question, q) => {
      const path = ['sections', s, 'questions', q];
      // The collector cannot know which optional sections a kiosk switched off, so it could not
      // tell a missing required answer from a switched-off one.
      if (section.optional && question.required) issue([...path, 'required'], 'false: questions of optional sections cannot be required', true);
      if (section.optional) optionalQuestions.add(question.id);
      if (question.showIf) checkCondition(question.showIf, [...path, 'showIf'], order);
      if (questionIndex.has(question.id)) {
        issue([...path, 'id'], 'a question id unique in the definition', question.id);
      }
      if (question.kind === 'satisfaction') {
        if (!(question.scale in definition.scales)) {
          issue([...path, 'scale'], `one of the scales (${Object.keys(definition.scales).join(', ')})`, question.scale);
        }
        if (section.component === undefined) {
          issue([...path, 'kind'], 'satisfaction items only inside a scored component section', question.kind);
        }
      }
      if (question.kind === 'single' || question.kind === 'multiple') {
        const seen = new Set<string>();
        question.options.forEach((option, o) => {
          if (seen.has(option.code)) issue([...path, 'options', o, 'code'], 'an option code unique in the question', option.code);
          seen.add(option.code);
        });
        if (question.kind === 'multiple' && question.maxSelected !== undefined && question.maxSelected > question.options.length) {
          issue([...path, 'maxSelected'], `at most the number of options (${question.options.length})`, question.maxSelected);
        }
      }
      questionIndex.set(question.id, {
        kind: question.kind,
        order: order++,
        options: 'options' in question ? question.options.map((o) => o.code) : undefined,
      });
    });
  });

  for (let n = 1; n <= 5; n++) {
    if (!components.has(n)) issue(['sections'], `a section for SIPAS component ${n}`, [...components.keys()]);
  }
  checkParts(definition.sections, issue);

  /** A condition may only look back: at questions asked before the thing it guards. */
  function checkCondition(condition: Condition, path: PropertyKey[], before: number): void {
    if ('all' in condition) return condition.all.forEach((c, i) => checkCondition(c, [...path, 'all', i], before));
    if ('any' in condition) return condition.any.forEach((c, i) => checkCondition(c, [...path, 'any', i], before));
    if ('not' in condition) return checkCondition(condition.not, [...path, 'not'], before);
    const target = questionIndex.get(condition.question);
    if (!target || target.order >= before) {
      const known = [...questionIndex.keys()];
      issue([...path, 'question'], `an earlier question (${known.length ? known.slice(-5).join(', ') : 'none yet'}…)`, condition.question);
      return;
    }
    const values = 'equals' in condition ? [condition.equals] : 'in' in condition ? condition.in : [];
    for (const value of values) {
      const fits =
        target.kind === 'satisfaction'
          ? typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5
          : target.options
            ? typeof value === 'string' && target.options.includes(value)
            : typeof value === 'string';
      if (!fits) {
        const expected = target.kind === 'satisfaction' ? 'a code 1–5' : target.options ? `one of ${target.options.join(', ')}` : 'a text';
        issue([...path, 'equals' in condition ? 'equals' : 'in'], `${expected} of question ${condition.question}`, value);
      }
    }
  }
}

/**
 * The core comes first and holds every scored component: a response whose core is done counts, so a
 * component among the extras would be scored only for citizens who chose to go on, and a core
 * section after an extra one would be asked of nobody who sent at the checkpoint.
 */
function checkParts(sections: RawDefinition['sections'], issue: (path: PropertyKey[], message: string, input?: unknown) => void): void {
  let firstExtra: number | undefined;
  sections.forEach((section, s) => {
    if (section.part === 'extra') {
      firstExtra ??= s;
      if (section.component !== undefined) issue(['sections', s, 'part'], `"core": section ${section.id} is SIPAS component ${section.component}`, section.part);
    } else if (firstExtra !== undefined) {
      issue(['sections', s, 'part'], `"extra": a core section cannot follow the extra section ${sections[firstExtra].id} (sections[${firstExtra}])`, section.part);
    }
  });
  if (!sections.some((section) => section.part === 'core')) {
    issue(['sections'], 'at least one section with part "core"', sections.map((section) => section.part));
  }
}

/** Question ids a condition looks at. */
function conditionQuestions(condition: Condition): string[] {
  if ('all' in condition) return condition.all.flatMap(conditionQuestions);
  if ('any' in condition) return condition.any.flatMap(conditionQuestions);
  if ('not' in condition) return conditionQuestions(condition.not);
  return [condition.question];
}

/** Walks the definition and reports every localized text lacking one of the languages. */
function checkTranslations(
  value: unknown,
  languages: string[],
  issue: (path: PropertyKey[], message: string, input?: unknown) => void,
  path: PropertyKey[] = [],
): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkTranslations(item, languages, issue, [...path, i]));
    return;
  }
  if (!value || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    if (LOCALIZED_KEYS.has(key) && child && typeof child === 'object' && !Array.isArray(child)) {
      for (const language of languages) {
        if (!(language in child)) issue([...path, key, language], `a "${language}" translation`, undefined);
      }
    } else {
      checkTranslations(child, languages, issue, [...path, key]);
    }
  }
}

/** Keys whose value is a LocalizedText. */
const LOCALIZED_KEYS = new Set(['title', 'description', 'text', 'help', 'label', 'shortLabel', 'note']);
