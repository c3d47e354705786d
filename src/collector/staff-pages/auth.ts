/*
 * Staff login for the collector: one password, kept only as a salted scrypt hash; sessions whose ids
 * live in an HttpOnly SameSite=Strict cookie and only as sha256 in the database; failed logins lock the
 * address out for a growing, capped time (kept in the database); state-changing requests must come
 * from our own pages.
 */
import { createHash, randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditEntry, CollectorStore, StaffAuthStore } from '../stores';

/**
 * scrypt cost: N = 2^15, r = 8, p = 1 is OWASP's Password Storage Cheat Sheet minimum; about 32 MiB and
 * some 50–100 ms per hash, which also slows guessing. Stored with the hash, so it can be raised later.
 */
export const SCRYPT_COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

/** Shortest staff password accepted. */
export const MIN_PASSWORD_LENGTH = 10;
/** Longest accepted, so that a login cannot be used to make the server hash megabytes. */
export const MAX_PASSWORD_LENGTH = 256;

/** How long a staff session lasts from login (a working day); it is not extended by use. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
/** Name of the session cookie. */
export const SESSION_COOKIE = 'sipas_admin';
/**
 * The cookie is set twice with the same value: once for the pages and once for the JSON API, since a
 * cookie's Path is a prefix and /api/v1/admin is not under /admin.
 */
export const SESSION_COOKIE_PATHS = ['/admin', '/api/v1/admin'] as const;

function scryptAsync(password: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    // scrypt needs 128·N·r bytes (32 MiB here); node refuses above 32 MiB unless told otherwise.
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, { ...cost, maxmem: 2 * 128 * cost.N * cost.r + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** Is this password acceptable as the staff password? Returns the problem in words, or null. */
export function passwordProblem(password: string): string | null {
  const length = Array.from(password).length;
  if (length < MIN_PASSWORD_LENGTH) return `the password must have at least ${MIN_PASSWORD_LENGTH} characters (it has ${length})`;
  if (length > MAX_PASSWORD_LENGTH) return `the password must have at most ${MAX_PASSWORD_LENGTH} characters`;
  return null;
}

/**
 * A self-describing hash: `scrypt$N$r$p$<salt>$<key>` (base64url), at the production cost unless told
 * otherwise (tests of other things store a cheap one; the cost travels with the hash). The text is NFC-normalised first, so
 * "ố" typed as one character or as o + two marks is the same password.
 */
export async function hashPassword(password: string, cost: { N: number; r: number; p: number } = SCRYPT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptAsync(password, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

const HASH_PATTERN = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

/** Checks a password against a stored hash in constant time; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = HASH_PATTERN.exec(stored);
  if (!match || password.length > MAX_PASSWORD_LENGTH * 4) return false;
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Bounds keep a tampered row from making every login allocate gigabytes.
  if (N < 2 || N > 2 ** 18 || (N & (N - 1)) !== 0 || r < 1 || r > 16 || p < 1 || p > 4) return false;
  const expected = Buffer.from(match[5], 'base64url');
  const key = await scryptAsync(password, Buffer.from(match[4], 'base64url'), { N, r, p });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Where a password change or a sign-out of everyone came from, as the audit log records it. */
export type StaffCommandOrigin = 'admin-cli' | 'env' | 'demo';

/**
 * Sets the staff password (hash only) and ends every open staff session; the audit log records it
 * (by default as done with admin-cli on the server). Throws when it is unacceptable. Only tests of
 * other things pass a cheaper scrypt cost (it travels with the hash).
 */
export async function setAdminPassword(
  store: CollectorStore,
  password: string,
  now = new Date(),
  via: StaffCommandOrigin = 'admin-cli',
  cost: { N: number; r: number; p: number } = SCRYPT_COST,
): Promise<void> {
  const problem = passwordProblem(password);
  if (problem) throw new Error(problem);
  await store.setAdminPasswordHash(await hashPassword(password, cost), now.toISOString());
  await store.recordAudit(serverAudit(now, 'passwordChange', { via }));
}

/** Ends every staff session (the password stays) and records it in the audit log; returns how many. */
export async function signOutAllSessions(store: StaffAuthStore, now = new Date(), via: StaffCommandOrigin = 'admin-cli'): Promise<number> {
  // Every session, live or not: the expiry sweep with a clock at the end of time.
  const ended = await store.deleteExpiredAdminSessions('9999-12-31T23:59:59.999Z');
  await store.recordAudit(serverAudit(now, 'signOutAll', { via, sessions: ended }));
  return ended;
}

/** An audit entry of a command run on the server itself (no client address). */
function serverAudit(now: Date, action: AuditEntry['action'], details: AuditEntry['details']): AuditEntry {
  return { at: now.toISOString(), address: null, action, outcome: 'success', details };
}

/** How the staff password came to be at start-up. */
export type AdminPasswordOrigin =
  | { kind: 'existing'; envIgnored: boolean }
  | { kind: 'env' }
  | { kind: 'demo'; password: string }
  | { kind: 'none' };

/**
 * At start-up: keeps a password already set; else takes COLLECTOR_ADMIN_PASSWORD; else, in demo mode,
 * makes up one to print. A password already set always wins over the variable (change it with admin-cli).
 */
export async function ensureAdminPassword(
  store: CollectorStore,
  options: { envPassword?: string; demo: boolean },
): Promise<AdminPasswordOrigin> {
  const env = options.envPassword === '' ? undefined : options.envPassword;
  if ((await store.getAdminPasswordHash()) !== null) return { kind: 'existing', envIgnored: env !== undefined };
  if (env !== undefined) {
    const problem = passwordProblem(env);
    if (problem) throw new Error(`COLLECTOR_ADMIN_PASSWORD: ${problem}`);
    await setAdminPassword(store, env, new Date(), 'env');
    return { kind: 'env' };
  }
  if (options.demo) {
    const password = demoPassword();
    await setAdminPassword(store, password, new Date(), 'demo');
    return { kind: 'demo', password };
  }
  return { kind: 'none' };
}

/** Plain unaccented Vietnamese words, easy to read out and type on any keyboard. */
const WORDS = (
  'an ba bac ban bao bay ben bien binh bong bua ca cam canh cao cau cay chan chim chua com con cua ' +
  'dai dam dao dat den dep dong dua duong gao gio hai hang hat hoa hong hue huong kem khe la lam lan ' +
  'lua mai man mang mat may me mien minh moc mua nam nang nga ngan ngoc nha nhan nui nuoc oanh phong ' +
  'que rau rung sao sen son song suoi tam tan thu tien to trang tre truc tuoi van vang vien vuon xanh xoai yen'
).split(' ');

/** Five random words and two digits, e.g. "sen-nui-mai-que-song-47" (about 40 bits). */
export function demoPassword(): string {
  const words = Array.from({ length: 5 }, () => WORDS[randomInt(WORDS.length)]);
  return `${words.join('-')}-${String(randomInt(100)).padStart(2, '0')}`;
}

/** A new session id: 32 random bytes, base64url. It goes to the browser only; the store keeps its hash. */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/** sha256 of a session id, as stored. */
export function hashSessionId(id: string): Buffer {
  return createHash('sha256').update(id, 'utf8').digest();
}

/** Attributes of every cookie of ours: never readable by scripts, never sent cross-site. */
const COOKIE_ATTRIBUTES = { httpOnly: true, sameSite: 'strict' } as const;

/** Sets one of our cookies (HttpOnly, SameSite=Strict; Secure when the collector is reached over https). */
export function setStaffCookie(reply: FastifyReply, name: string, value: string, options: { path: string; maxAgeSeconds: number; secure: boolean }): void {
  reply.setCookie(name, value, { ...COOKIE_ATTRIBUTES, path: options.path, maxAge: options.maxAgeSeconds, secure: options.secure });
}

/** Starts the session cookie on both paths. */
export function setSessionCookies(reply: FastifyReply, id: string, secure: boolean): void {
  for (const path of SESSION_COOKIE_PATHS) setStaffCookie(reply, SESSION_COOKIE, id, { path, maxAgeSeconds: SESSION_TTL_MS / 1000, secure });
}

/** Removes the session cookies (Max-Age=0 on both paths). */
export function clearSessionCookies(reply: FastifyReply, secure: boolean): void {
  for (const path of SESSION_COOKIE_PATHS) setStaffCookie(reply, SESSION_COOKIE, '', { path, maxAgeSeconds: 0, secure });
}

/** The session id the request's cookie carries, if any (not yet checked against the store). */
export function sessionIdOf(request: FastifyRequest): string | undefined {
  return request.cookies[SESSION_COOKIE];
}

/** Starts a session: stores the id's hash with its expiry and returns the id for the cookie. */
export async function startSession(store: CollectorStore, now: Date): Promise<string> {
  const id = newSessionId();
  await store.deleteExpiredAdminSessions(now.toISOString());
  await store.addAdminSession(hashSessionId(id), {
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + SESSION_TTL_MS).toISOString(),
  });
  return id;
}

/** The session id in the request's cookie, if it names a live session. */
export async function currentSession(store: CollectorStore, request: FastifyRequest, now: Date): Promise<string | null> {
  const id = sessionIdOf(request);
  if (!id || id.length > 100) return null;
  return (await store.findAdminSession(hashSessionId(id), now.toISOString())) ? id : null;
}

/**
 * Is a state-changing request from one of our own pages? SameSite=Strict already keeps the cookie off
 * cross-site requests; this second check (OWASP CSRF Cheat Sheet, "Verifying Origin With Standard
 * Headers") also covers same-site sibling origins. Without Origin and Referer the request is refused.
 */
export function isSameOrigin(request: FastifyRequest, allowedOrigins: readonly string[]): boolean {
  const origin = request.headers.origin;
  const claimed =
    typeof origin === 'string' && origin !== 'null'
      ? normalizeOrigin(origin)
      : typeof request.headers.referer === 'string'
        ? normalizeOrigin(request.headers.referer)
        : null;
  return claimed !== null && allowedOrigins.includes(claimed);
}

/** "http://Host:80/path" → "http://host": the form browsers send in Origin; null when not a URL. */
export function normalizeOrigin(url: string): string | null {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? null : origin.toLowerCase();
  } catch {
    // Not a URL: proves nothing, so it is refused like a missing header.
    return null;
  }
}

/** Growing, capped lock-out of an address after failed logins. */
export interface ThrottleOptions {
  /** Lock after the first failure; doubled with each further one. */
  baseMs?: number;
  maxMs?: number;
  /** An address quiet this long starts again from zero. */
  forgetMs?: number;
  /** Addresses remembered at most (the oldest are forgotten first). */
  maxEntries?: number;
}

/**
 * How long one sign-in attempt holds its address's slot at most: far longer than a password check
 * takes, short enough that a collector killed mid-check does not keep the address out for long.
 */
export const LOGIN_ATTEMPT_LEASE_MS = 15_000;
/** What an attempt refused only because another one of its address is being checked is told to wait. */
const IN_FLIGHT_WAIT_MS = 1000;
/** Longest address kept as a key (an IPv6 address with a zone fits easily). */
const MAX_ADDRESS_LENGTH = 100;

/** A sign-in attempt that may go ahead: the address's slot is held until it ends one way or another. */
export interface LoginSlot {
  readonly go: true;
  /** Failed sign-ins in a row before this one. */
  readonly failures: number;
  /** The attempt failed: starts the next lock; returns it in milliseconds. */
  failed(): Promise<number>;
  /** The attempt succeeded: the address starts again from zero. */
  succeeded(): Promise<void>;
  /** The attempt ended without checking a password: frees the slot. Harmless after failed or succeeded. */
  release(): Promise<void>;
}

/** A sign-in attempt refused without checking the password. */
export interface LoginRefusal {
  readonly go: false;
  /** Milliseconds before the address may try again (at least 1). */
  readonly waitMs: number;
  /** Failed sign-ins in a row so far. */
  readonly failures: number;
  /** The first attempt refused since the last failure (the one the audit log records). */
  readonly firstRefusal: boolean;
}

/**
 * After the n-th failed login in a row an address may not try again for min(base·2^(n−1), max):
 * 1 s, 2 s, 4 s … 60 s. The state lives in the database, so it holds across restarts and across
 * several collector processes on one database. Each attempt first takes its address's one slot in
 * the database, atomically, and only then is the password checked: attempts inside a lock, or while
 * another attempt of the same address is being checked, are refused without checking anything, so
 * parallel requests do not help a guesser (40 at once right after a lock ends: one is checked).
 */
export class LoginThrottle {
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly forgetMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly store: StaffAuthStore,
    private readonly now: () => number,
    options: ThrottleOptions = {},
  ) {
    this.baseMs = options.baseMs ?? 1000;
    this.maxMs = options.maxMs ?? 60_000;
    this.forgetMs = options.forgetMs ?? 60 * 60 * 1000;
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  /** The lock after the n-th failure in a row. */
  lockMsAfter(failures: number): number {
    return Math.min(this.baseMs * 2 ** Math.min(Math.max(failures, 1) - 1, 30), this.maxMs);
  }

  /** Asks to try a password from this address: a slot to check it with, or how long to wait. */
  async attempt(rawAddress: string): Promise<LoginSlot | LoginRefusal> {
    const address = rawAddress.slice(0, MAX_ADDRESS_LENGTH);
    const at = this.now();
    const claim = await this.store.claimLoginAttempt(address, iso(at), iso(at + LOGIN_ATTEMPT_LEASE_MS));
    if (!claim.granted) {
      const lockedMs = Date.parse(claim.lockedUntil) - at;
      const inFlight = claim.attemptUntil !== null && Date.parse(claim.attemptUntil) > at;
      return {
        go: false,
        waitMs: Math.max(1, lockedMs, inFlight ? IN_FLIGHT_WAIT_MS : 0),
        failures: claim.failures,
        firstRefusal: claim.refused === 1,
      };
    }
    // A quiet address starts again from zero.
    const failures = at - Date.parse(claim.updatedAt) >= this.forgetMs ? 0 : claim.failures;
    let ended = false;
    return {
      go: true,
      failures,
      failed: async () => {
        ended = true;
        const failedAt = this.now();
        const lockMs = this.lockMsAfter(failures + 1);
        await this.store.recordLoginFailure(address, { at: iso(failedAt), failures: failures + 1, lockedUntil: iso(failedAt + lockMs) });
        await this.store.pruneLoginThrottle(iso(failedAt - this.forgetMs), this.maxEntries);
        return lockMs;
      },
      succeeded: async () => {
        ended = true;
        await this.store.clearLoginFailures(address);
      },
      release: async () => {
        if (!ended) await this.store.releaseLoginAttempt(address);
        ended = true;
      },
    };
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
