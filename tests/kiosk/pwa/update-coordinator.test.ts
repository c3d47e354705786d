import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FORGET_AFTER_MISSED,
  TAB_ANSWER_TIMEOUT_MS,
  UPDATE_IDLE_DELAY_MS,
  createUpdateCoordinator,
  type UpdateChannel,
  type UpdateCoordinator,
  type UpdateMessage,
} from '../../../src/kiosk/pwa';

/** A BroadcastChannel stand-in: every other member receives each message, asynchronously, as in a browser. */
function createBus() {
  const members = new Set<UpdateChannel>();
  return {
    join(): UpdateChannel {
      const channel: UpdateChannel = {
        onmessage: null,
        postMessage(message: UpdateMessage) {
          for (const other of members) if (other !== channel) queueMicrotask(() => other.onmessage?.({ data: structuredClone(message) }));
        },
        close: () => void members.delete(channel),
      };
      members.add(channel);
      return channel;
    },
  };
}

interface Tab {
  updates: UpdateCoordinator;
  activations: number;
  reloads: number;
}

function openTab(bus: ReturnType<typeof createBus> | null, name: string): Tab {
  const tab = { activations: 0, reloads: 0 } as Tab;
  tab.updates = createUpdateCoordinator({
    channel: bus?.join() ?? null,
    tabId: name,
    activate: () => (tab.activations += 1),
    reload: () => (tab.reloads += 1),
  });
  return tab;
}

const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the update hand-over between tabs', () => {
  it('never activates while another tab has a citizen past its welcome screen, and does once that citizen is done', async () => {
    const bus = createBus();
    const a = openTab(bus, 'A');
    const b = openTab(bus, 'B');
    a.updates.welcome();
    b.updates.welcome();
    await settle();
    a.updates.busy(); // a citizen in tab A started
    await settle();
    a.updates.updateWaiting();
    b.updates.updateWaiting();
    b.updates.welcome(); // tab B's welcome screen shows between citizens: it asks
    await vi.advanceTimersByTimeAsync(TAB_ANSWER_TIMEOUT_MS + UPDATE_IDLE_DELAY_MS);
    expect(a.activations + b.activations).toBe(0);
    expect(a.reloads + b.reloads).toBe(0);

    a.updates.welcome(); // tab A's citizen sent: every tab is on its welcome screen now
    await vi.advanceTimersByTimeAsync(TAB_ANSWER_TIMEOUT_MS);
    expect(a.activations + b.activations).toBeGreaterThanOrEqual(1);
    a.updates.controlling();
    b.updates.controlling();
    expect([a.reloads, b.reloads]).toEqual([1, 1]);
  });

  it('activates as soon as every known tab answers that it is on its welcome screen', async () => {
    const bus = createBus();
    const a = openTab(bus, 'A');
    const b = openTab(bus, 'B');
    b.updates.welcome();
    a.updates.welcome();
    await settle();
    a.updates.updateWaiting();
    a.updates.welcome();
    await settle();
    expect(a.activations).toBe(1);
  });

  it('defers the reload of a tab the new version takes over mid-survey until its welcome screen', () => {
    const a = openTab(createBus(), 'A');
    a.updates.busy();
    a.updates.controlling();
    expect(a.reloads).toBe(0);
    a.updates.welcome();
    expect(a.reloads).toBe(1);
  });

  it('applies an update found while idle on the welcome screen after the idle delay, not at the next citizen', async () => {
    const a = openTab(null, 'A');
    a.updates.welcome();
    a.updates.updateWaiting();
    await vi.advanceTimersByTimeAsync(UPDATE_IDLE_DELAY_MS - 1);
    expect(a.activations).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(a.activations).toBe(1);
  });

  it('does not apply after the idle delay when a citizen started meanwhile', async () => {
    const a = openTab(null, 'A');
    a.updates.welcome();
    a.updates.updateWaiting();
    await vi.advanceTimersByTimeAsync(UPDATE_IDLE_DELAY_MS / 2);
    a.updates.busy();
    await vi.advanceTimersByTimeAsync(UPDATE_IDLE_DELAY_MS * 2);
    expect(a.activations).toBe(0);
  });

  it('does not activate when the citizen touched start while the tabs were answering', async () => {
    const bus = createBus();
    const a = openTab(bus, 'A');
    const silent = bus.join(); // a tab that never answers
    silent.postMessage({ type: 'hello', tab: 'frozen', atWelcome: true });
    a.updates.welcome();
    await settle();
    a.updates.updateWaiting();
    a.updates.welcome();
    a.updates.busy();
    await vi.advanceTimersByTimeAsync(TAB_ANSWER_TIMEOUT_MS);
    expect(a.activations).toBe(0);
  });

  it('counts a tab that never answers as busy, and forgets it after repeated silences', async () => {
    const bus = createBus();
    const a = openTab(bus, 'A');
    const silent = bus.join();
    silent.postMessage({ type: 'hello', tab: 'frozen', atWelcome: true });
    await settle();
    a.updates.updateWaiting();
    for (let round = 1; round <= FORGET_AFTER_MISSED; round++) {
      a.updates.welcome();
      await vi.advanceTimersByTimeAsync(TAB_ANSWER_TIMEOUT_MS);
      expect(a.activations).toBe(0);
    }
    a.updates.welcome(); // the silent tab is forgotten now: nobody left to wait for
    await vi.advanceTimersByTimeAsync(TAB_ANSWER_TIMEOUT_MS);
    expect(a.activations).toBe(1);
  });

  it('forgets a tab that closes, so the others need not wait for it', async () => {
    const bus = createBus();
    const a = openTab(bus, 'A');
    const b = openTab(bus, 'B');
    a.updates.welcome();
    await settle();
    b.updates.busy();
    b.updates.close();
    await settle();
    a.updates.updateWaiting();
    a.updates.welcome();
    await vi.advanceTimersByTimeAsync(TAB_ANSWER_TIMEOUT_MS);
    expect(a.activations).toBe(1);
  });
});
