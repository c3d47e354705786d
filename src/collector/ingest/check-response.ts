import { createHash } from 'node:crypto';
import { z } from 'zod';
import { definitionKey } from '../../shared/ids';
import { surveyResponseSchema } from '../../shared/schemas';
import { canonicalJson, validateAnswers, type SurveyDefinition } from '../../shared/survey';
import { explainAnswerProblem, formatPath, parseOrExplain } from './describe-issues';
import type { IngestItem } from '../stores';

/** Largest response accepted, measured as its canonical JSON in UTF-8 bytes. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/** The definitions a collector accepts responses for, looked up by "id@version". */
export interface DefinitionIndex {
  get(definitionId: string, version: number): SurveyDefinition | undefined;
  /** "sipas-2023@1", … in the order they were given. */
  readonly names: readonly string[];
}

/** Builds the lookup; two definitions with the same id and version are a configuration error. */
export function indexDefinitions(definitions: readonly SurveyDefinition[]): DefinitionIndex {
  const byName = new Map<string, SurveyDefinition>();
  for (const definition of definitions) {
    const name = definitionKey(definition.id, definition.version);
    if (byName.has(name)) throw new Error(`definition ${name} is given twice`);
    byName.set(name, definition);
  }
  return { get: (id, version) => byName.get(definitionKey(id, version)), names: [...byName.keys()] };
}

const uuid = z.uuid();

/**
 * Checks one item of a batch: size, shape, a known definition, answers that fit it. Never throws on
 * bad input; everything wrong becomes a rejection reason naming the path, what was expected and found.
 */
export function checkResponse(raw: unknown, index: number, definitions: DefinitionIndex): IngestItem {
  const root = formatPath('$', ['responses', index]);
  const rawId = raw !== null && typeof raw === 'object' && 'id' in raw ? (raw as { id: unknown }).id : undefined;
  const responseId = uuid.safeParse(rawId).success ? (rawId as string) : null;
  const reject = (reason: string): IngestItem => ({ kind: 'rejected', responseId, reason });

  const canonical = canonicalJson(raw);
  const bytes = Buffer.byteLength(canonical, 'utf8');
  if (bytes > MAX_RESPONSE_BYTES) {
    return reject(`${root}: expected a response of at most ${MAX_RESPONSE_BYTES} bytes as canonical JSON, found ${bytes} bytes`);
  }

  const parsed = parseOrExplain(surveyResponseSchema, raw, root);
  if (!parsed.ok) return reject(parsed.problems.join('; '));
  const response = parsed.data;

  const definition = definitions.get(response.definitionId, response.definitionVersion);
  if (!definition) {
    const known = definitions.names.length ? definitions.names.join(', ') : 'no definitions';
    return reject(`unknown definition ${response.definitionId} version ${response.definitionVersion}; this collector knows ${known}`);
  }

  // The collector cannot know which optional sections a kiosk switched off, so it checks with all on:
  // an answer is still refused if its question was hidden by a condition or does not exist.
  const problems = validateAnswers(definition, response.answers, response.status);
  if (problems.length > 0) return reject(problems.map((problem) => explainAnswerProblem(problem, root)).join('; '));

  return { kind: 'valid', response, canonical, contentHash: createHash('sha256').update(canonical, 'utf8').digest('hex') };
}
