/**
 * Staff password of the collector's staff pages (safe while the collector runs: SQLite WAL):
 *   tsx src/collector/cli/admin-cli.ts set-password [--password-stdin] [--data ./data]
 * Asks twice, without echo, on a terminal; reads the first line of standard input when it is piped or
 * with --password-stdin (e.g. `printf '%s' "$PW" | tsx src/collector/cli/admin-cli.ts set-password`).
 * Only a salted scrypt hash is stored; setting a password signs every staff session out.
 *   tsx src/collector/cli/admin-cli.ts sign-out-all [--data ./data]
 */
import { MIN_PASSWORD_LENGTH, passwordProblem, setAdminPassword, signOutAllSessions, type CollectorStore, type StaffAuthStore } from '../index';
import { defineCli, existingStoreOf, fail, parseCommandLine, withStore } from './cli-helpers';

const USAGE = `usage:
  tsx src/collector/cli/admin-cli.ts set-password [--password-stdin] [--data <dir> | --database <URL>]
  tsx src/collector/cli/admin-cli.ts sign-out-all [--data <dir> | --database <URL>]`;

/** All of standard input, up to the first line break. */
async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}

/** Reads a line from the terminal without showing what is typed. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolvePrompt, reject) => {
    const stdin = process.stdin;
    process.stdout.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let typed = '';
    const onData = (text: string) => {
      for (const ch of text) {
        if (ch === '\r' || ch === '\n') {
          done();
          resolvePrompt(typed);
          return;
        }
        if (ch === '\u0003') {
          done();
          reject(new Error('cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') typed = Array.from(typed).slice(0, -1).join('');
        else typed += ch;
      }
    };
    const done = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stdout.write('\n');
    };
    stdin.on('data', onData);
  });
}

async function main(args?: string[]): Promise<void> {
  const commandLine = parseCommandLine({ usage: USAGE, args, options: { 'password-stdin': { type: 'boolean', default: false } }, positionals: true });
  if (!commandLine) return;
  const { values, positionals } = commandLine;
  const [command] = positionals;
  if (command !== 'set-password' && command !== 'sign-out-all') fail(USAGE);
  const file = existingStoreOf(values);
  await withStore(file, (store) => (command === 'sign-out-all' ? signOutAll(store) : setPassword(store, values['password-stdin'])));
}

async function signOutAll(store: StaffAuthStore): Promise<void> {
  // Re-storing the current hash would keep the password; signOutAllSessions only ends the sessions (and audits it).
  const ended = await signOutAllSessions(store);
  console.log(`Signed out ${ended} staff session(s).`);
}

async function setPassword(store: CollectorStore, fromStdin: boolean): Promise<void> {
  let password: string;
  if (fromStdin || !process.stdin.isTTY) {
    password = await readStdinLine();
  } else {
    console.log(`Choose the staff password (at least ${MIN_PASSWORD_LENGTH} characters; several words are easiest to remember).`);
    password = await promptHidden('New staff password: ');
    const again = await promptHidden('Once more: ');
    if (again !== password) fail('the two passwords differ; nothing changed');
  }
  const problem = passwordProblem(password);
  if (problem) fail(`${problem}; nothing changed`);
  await setAdminPassword(store, password);
  console.log('Staff password set (only a salted scrypt hash is stored). Every staff session has been signed out.');
}

/** The staff password command line; run at once when started as a script. */
export const adminCli = defineCli('admin', import.meta.url, main);
