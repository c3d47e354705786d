/*
 * Updates across tabs. A waiting service worker, once activated, takes over every tab of the kiosk at
 * once, so it is activated only when every tab says it is on its welcome screen; a tab that sees the
 * new worker take control while its citizen is mid-survey reloads only at its next welcome screen.
 * (Issue 9: tab B applied an update at its welcome screen and tab A lost a citizen at question 5.)
 */

/** The BroadcastChannel every tab of the kiosk talks on about updates. */
export const UPDATE_CHANNEL = 'sipas-kiosk-updates';
/** An update found while the kiosk sits idle on its welcome screen is applied after this long without a citizen. */
export const UPDATE_IDLE_DELAY_MS = 30_000;
/** A tab that has not answered "are you on your welcome screen?" within this long counts as busy. */
export const TAB_ANSWER_TIMEOUT_MS = 3_000;
/** A tab that missed this many questions in a row is forgotten (closed without a goodbye, or frozen). */
export const FORGET_AFTER_MISSED = 3;

/** What tabs tell each other; `tab` is the sender's id. */
export type UpdateMessage =
  | { type: 'hello'; tab: string; atWelcome: boolean }
  | { type: 'state'; tab: string; atWelcome: boolean }
  | { type: 'query'; tab: string; round: string }
  | { type: 'answer'; tab: string; round: string; atWelcome: boolean }
  | { type: 'bye'; tab: string };

/** The part of BroadcastChannel the coordinator uses (tests pass a fake). */
export interface UpdateChannel {
  postMessage(message: UpdateMessage): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  close(): void;
}

export interface UpdateCoordinatorOptions {
  channel: UpdateChannel | null;
  /** Tells the waiting worker to take over (workbox messageSkipWaiting). */
  activate(): void;
  /** Reloads this page into the new version. */
  reload(): void;
  tabId?: string;
  idleDelayMs?: number;
  answerTimeoutMs?: number;
}

/** One tab's side of the update hand-over. */
export interface UpdateCoordinator {
  /** This tab shows its welcome screen (between citizens): a deferred reload happens now, a waiting update is tried. */
  welcome(): void;
  /** This tab's welcome screen gave way to a citizen (or to staff): no reload, no activation, until the next welcome(). */
  busy(): void;
  /** A new version is downloaded and waiting. */
  updateWaiting(): void;
  /** The new version's worker took control of this page. */
  controlling(): void;
  isWaiting(): boolean;
  /** Says goodbye to the other tabs (page hidden for good). */
  close(): void;
}

/** Creates this tab's coordinator; with no channel (an old browser) the tab decides alone. */
export function createUpdateCoordinator(options: UpdateCoordinatorOptions): UpdateCoordinator {
  const tab = options.tabId ?? crypto.randomUUID();
  const idleDelayMs = options.idleDelayMs ?? UPDATE_IDLE_DELAY_MS;
  const answerTimeoutMs = options.answerTimeoutMs ?? TAB_ANSWER_TIMEOUT_MS;
  const channel = options.channel;
  /** Other tabs as last heard, with how many questions in a row each left unanswered. */
  const peers = new Map<string, { atWelcome: boolean; missed: number }>();
  let atWelcome = false;
  let waiting = false;
  let reloadPending = false;
  let idleTimer: ReturnType<typeof setTimeout> | null = null;
  let round: { id: string; answers: Map<string, boolean>; timer: ReturnType<typeof setTimeout> } | null = null;

  const post = (message: UpdateMessage) => channel?.postMessage(message);

  const cancelIdle = () => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
  };

  /** Asks every tab where it is; activates the waiting worker only if all are on their welcome screens. */
  function attempt(): void {
    if (!waiting || !atWelcome || round || reloadPending) return;
    if (!channel) {
      options.activate();
      return;
    }
    const id = crypto.randomUUID();
    round = { id, answers: new Map(), timer: setTimeout(() => conclude(), answerTimeoutMs) };
    post({ type: 'query', tab, round: id });
  }

  function conclude(): void {
    if (!round) return;
    const { answers, timer } = round;
    clearTimeout(timer);
    round = null;
    let everyTabAtWelcome = true;
    for (const [peer, known] of peers) {
      const answer = answers.get(peer);
      if (answer === undefined) {
        // Silent: counts as busy this time; forgotten after a few silences (closed without goodbye, frozen).
        everyTabAtWelcome = false;
        if (++known.missed >= FORGET_AFTER_MISSED) peers.delete(peer);
      } else {
        known.missed = 0;
        known.atWelcome = answer;
        if (!answer) everyTabAtWelcome = false;
      }
    }
    // Re-checked at the last moment: a citizen may have touched "start" while the tabs answered.
    if (everyTabAtWelcome && atWelcome && waiting) options.activate();
  }

  function onMessage(data: unknown): void {
    const message = data as Partial<UpdateMessage> | null;
    if (!message || typeof message.tab !== 'string' || message.tab === tab) return;
    switch (message.type) {
      case 'hello':
      case 'state': {
        const known = peers.get(message.tab);
        peers.set(message.tab, { atWelcome: message.atWelcome === true, missed: 0 });
        if (message.type === 'hello') post({ type: 'state', tab, atWelcome });
        // A tab that just reached its welcome screen may be the last one an update was waiting for.
        if (message.atWelcome === true && known?.atWelcome !== true) attempt();
        break;
      }
      case 'query':
        if (!peers.has(message.tab)) peers.set(message.tab, { atWelcome: true, missed: 0 });
        post({ type: 'answer', tab, round: String(message.round), atWelcome });
        break;
      case 'answer':
        if (!round || message.round !== round.id) return;
        if (!peers.has(message.tab)) peers.set(message.tab, { atWelcome: message.atWelcome === true, missed: 0 });
        round.answers.set(message.tab, message.atWelcome === true);
        // Everyone known has answered: no need to wait out the timeout.
        if ([...peers.keys()].every((peer) => round?.answers.has(peer))) conclude();
        break;
      case 'bye':
        peers.delete(message.tab);
        round?.answers.delete(message.tab);
        break;
    }
  }

  if (channel) {
    channel.onmessage = (event) => onMessage(event.data);
    post({ type: 'hello', tab, atWelcome });
  }

  return {
    welcome() {
      const changed = !atWelcome;
      atWelcome = true;
      if (reloadPending) {
        options.reload();
        return;
      }
      if (changed) post({ type: 'state', tab, atWelcome });
      attempt();
    },
    busy() {
      cancelIdle();
      if (!atWelcome) return;
      atWelcome = false;
      post({ type: 'state', tab, atWelcome });
    },
    updateWaiting() {
      waiting = true;
      // Found while idle on the welcome screen: applied after a quiet spell, not at the next citizen's end.
      if (atWelcome && !idleTimer) {
        idleTimer = setTimeout(() => {
          idleTimer = null;
          attempt();
        }, idleDelayMs);
      }
    },
    controlling() {
      if (atWelcome) options.reload();
      else reloadPending = true; // the citizen keeps the old page; it reloads at its welcome screen
    },
    isWaiting: () => waiting,
    close() {
      cancelIdle();
      if (round) clearTimeout(round.timer);
      post({ type: 'bye', tab });
      channel?.close();
    },
  };
}
