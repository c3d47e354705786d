/** Where a text stops being JSON, and what a reader should have written there. */
export interface JsonSyntaxError {
  /** 1-based line and column (column counted in UTF-16 code units, as editors mostly do). */
  line: number;
  column: number;
  expected: string;
  found: string;
}

/**
 * Finds the first JSON syntax error in `text`, or undefined when it is valid JSON.
 *
 * JSON.parse on Node 20 often reports no position at all ("Unexpected token '}', ... is not valid
 * JSON"), and staff editing a definition by hand need a line and column, so we scan ourselves. Only
 * called after JSON.parse has failed; it follows RFC 8259 exactly as JSON.parse does.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let at = 0;

  const fail = (expected: string, offset = at): never => {
    throw new ScanError(offset, expected);
  };
  const skipSpace = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at++;
  };
  const previousSignificantAt = (): number => {
    let i = at - 1;
    while (i >= 0 && ' \t\n\r'.includes(text[i]!)) i--;
    return i;
  };
  const previousSignificant = (): string | undefined => text[previousSignificantAt()];
  /** The usual cause of "expected a comma" on a new line is a missing comma at the end of the last one. */
  const missingCommaHint = (): string => {
    const end = previousSignificantAt();
    if (at >= text.length || !text.slice(end, at).includes('\n')) return '';
    return ` (is a comma missing at the end of line ${text.slice(0, end + 1).split('\n').length}?)`;
  };

  const value = (): void => {
    skipSpace();
    const c = text[at];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return;
      }
    }
    fail('a value: an object, a list, a text in "double quotes", a number, true, false or null');
  };

  const object = (): void => {
    at++; // {
    skipSpace();
    if (text[at] === '}') {
      at++;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[at] !== '"') {
        fail(
          previousSignificant() === ','
            ? 'another "name": value after the comma (JSON allows no comma before })'
            : 'a field name in "double quotes"',
        );
      }
      string();
      skipSpace();
      if (text[at] !== ':') fail('":" after the field name');
      at++;
      value();
      skipSpace();
      if (text[at] === ',') {
        at++;
        continue;
      }
      if (text[at] === '}') {
        at++;
        return;
      }
      fail(`"," or "}" after a field value${missingCommaHint()}`);
    }
  };

  const array = (): void => {
    at++; // [
    skipSpace();
    if (text[at] === ']') {
      at++;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[at] === ']' && previousSignificant() === ',') fail('another item after the comma (JSON allows no comma before ])');
      value();
      skipSpace();
      if (text[at] === ',') {
        at++;
        continue;
      }
      if (text[at] === ']') {
        at++;
        return;
      }
      fail(`"," or "]" after a list item${missingCommaHint()}`);
    }
  };

  const string = (): void => {
    at++; // opening quote
    for (;;) {
      const c = text[at];
      if (c === undefined) fail('a closing " for the text');
      if (c === '"') {
        at++;
        return;
      }
      if (c! < ' ') fail('a closing " on the same line (write a line break inside a text as \\n)');
      if (c === '\\') {
        const e = text[at + 1];
        if (e !== undefined && '"\\/bfnrt'.includes(e)) at += 2;
        else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) at += 6;
        else fail('an escape such as \\" \\\\ \\n or \\u00e0 after the backslash', at + 1);
      } else {
        at++;
      }
    }
  };

  const number = (): void => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at));
    if (!match || match[0] === '-') fail('a number such as 3, -1 or 2.5');
    at += match![0].length;
  };

  try {
    value();
    skipSpace();
    if (at < text.length) fail('the end of the file after the top-level value');
    return undefined;
  } catch (error) {
    if (!(error instanceof ScanError)) throw error;
    const before = text.slice(0, error.offset);
    const line = before.split('\n').length;
    const column = error.offset - before.lastIndexOf('\n');
    return { line, column, expected: error.expected, found: describeAt(text, error.offset) };
  }
}

class ScanError {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {}
}

/** A short, readable rendering of the source at `offset`: the token there, or what kind of thing. */
function describeAt(text: string, offset: number): string {
  if (offset >= text.length) return 'the end of the file';
  const c = text[offset]!;
  if (c === '\n' || c === '\r') return 'a line break';
  if (c < ' ') return `a control character (U+${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()})`;
  const token = /^("(?:[^"\\\n]|\\.)*"?|[A-Za-z0-9_.+-]+|\/\/|\/\*)/.exec(text.slice(offset))?.[0] ?? c;
  const shown = token.length > 30 ? `${token.slice(0, 29)}…` : token;
  if (token === '//' || token === '/*') return `${shown} (JSON has no comments)`;
  if (c === "'") return `' (JSON needs "double quotes")`;
  return shown;
}
