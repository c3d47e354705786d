import { useEffect, useState } from 'preact/hooks';
import { CITIZEN_NS } from '../i18n';
import type { StaffT } from './staff-i18n';
import {
  countByState,
  estimateStorage,
  listStaffAlerts,
  loadSettings,
  oldestPending,
  readMeta,
  retryHeldResponses,
  storageWriteState,
  type PersistenceState,
  type StorageWriteState,
  type TabletRecord,
  type DeliveryState,
} from '../storage';
import type { SurveyDefinition } from '../../shared/schemas';
import { lastSyncOf, syncErrorText, type DrainStatus, type LastSync } from '../outbox';
import { formatBytes, formatDateTime, localize } from '../../shared/l10n';
import { definitionKey } from '../../shared/ids';
import { PanelHeading } from './common';
import { durationInWords } from './format';
import { syncProblem } from './sync-words';
import { buildHeldResponsesFile, downloadFile } from './export-files';

/** What the staff area needs of the sync engine. */
export interface StaffSync {
  requestDrain(reason: 'staff'): Promise<void>;
  status(): DrainStatus;
  /** Tries a refused token again, or checks the collector during a backoff wait (the engine's probeNow); optional for fakes that need neither. */
  probeNow?(reason: 'staff'): Promise<void>;
}

export interface HealthPanelProps {
  t: StaffT;
  language: string;
  sync: StaffSync;
  updates: { isWaiting(): boolean };
  activeDefinition: SurveyDefinition;
  appVersion: string;
  now: () => Date;
  /** Where the file of responses held in memory goes; a browser download by default. */
  saveFile?: (file: { name: string; blob: Blob }) => void;
}

interface Health {
  counts: Record<DeliveryState, number>;
  oldest: TabletRecord | undefined;
  lastSync: LastSync | undefined;
  persistence: PersistenceState | undefined;
  storage: { usageBytes: number | null; quotaBytes: number | null };
  alerts: Array<{ at: string; kind: string; messageKey: string; detail: string }>;
  /** Response writes as the last one went, and the responses held in memory (storage full). */
  writes: StorageWriteState;
}

async function readHealth(): Promise<Health> {
  // Opening (or refreshing) Health is a moment to try the held responses again; never throws.
  await retryHeldResponses().catch(() => undefined);
  const [counts, oldest, lastSync, persistence, storage, alerts] = await Promise.all([
    countByState(),
    oldestPending(),
    readMeta('lastSync'),
    readMeta('persistence'),
    estimateStorage(),
    listStaffAlerts(20),
  ]);
  return { counts, oldest, lastSync: lastSyncOf(lastSync), persistence, storage, alerts, writes: storageWriteState() };
}

/** The tablet's health in plain words, and "send now". */
export function HealthPanel({ t, language, sync, updates, activeDefinition, appVersion, now, saveFile = downloadFile }: HealthPanelProps) {
  const [health, setHealth] = useState<Health | null>(null);
  const [failed, setFailed] = useState(false);
  const [sending, setSending] = useState(false);
  const [sendResult, setSendResult] = useState<string | null>(null);
  const [heldResult, setHeldResult] = useState<{ ok: boolean; text: string } | null>(null);

  const downloadHeld = async () => {
    try {
      const file = await buildHeldResponsesFile(await loadSettings(), now());
      saveFile(file);
      setHeldResult({ ok: true, text: t('held.downloaded', { file: file.name, count: file.count }) });
    } catch {
      setHeldResult({ ok: false, text: t('held.downloadFailed') });
    }
  };

  const refresh = async (): Promise<Health | null> => {
    try {
      const next = await readHealth();
      setHealth(next);
      setFailed(false);
      return next;
    } catch {
      setFailed(true);
      return null;
    }
  };

  useEffect(() => {
    void refresh();
  }, []);

  // Staff opening Health is a moment to try again: a transient 401 heals here without a reload.
  useEffect(() => {
    void sync.probeNow?.('staff').then(() => refresh());
  }, [sync]);

  const sendNow = async () => {
    if (sending) return;
    setSending(true);
    setSendResult(null);
    try {
      await sync.requestDrain('staff');
    } catch {
      // The engine records its own failures in its status; the panel shows them below.
    }
    const next = await refresh();
    const status = sync.status();
    const waiting = next?.counts.pending ?? 0;
    setSendResult(t(status.lastError || status.state === 'not-configured' || status.state === 'unauthorized' ? 'health.syncNotDone' : 'health.syncDone', { count: waiting }));
    setSending(false);
  };

  const status = sync.status();
  const at = now();
  const lastSuccess = status.lastSuccessAt ?? (health?.lastSync?.ok ? health.lastSync.at : null);
  // After a reload the engine has not tried yet; the stored outcome of the last attempt tells the story.
  const storedError = status.lastAttemptAt === null && health?.lastSync && !health.lastSync.ok ? health.lastSync.error : null;
  const error = status.lastError ?? storedError;
  const problem = syncProblem(status, error);
  const technical = error ? syncErrorText(error) : null;
  const responses = (count: number) => t('health.responses', { count });

  return (
    <section class="staff-panel staff-health" aria-busy={health === null}>
      <PanelHeading>{t('health.heading')}</PanelHeading>
      {failed && (
        <p class="staff-error" role="alert">
          {t('area.loadFailed')}
        </p>
      )}
      <div class="staff-actions">
        <button type="button" class="staff-button staff-primary" disabled={sending} onClick={() => void sendNow()}>
          {sending ? t('health.syncing') : t('health.syncNow')}
        </button>
        <button type="button" class="staff-button" onClick={() => void refresh()}>
          {t('health.refresh')}
        </button>
      </div>
      <p class="staff-ok" role="status">
        {sendResult ?? ''}
      </p>
      {health && (health.writes.heldResponses > 0 || health.writes.writeFailing) && (
        <section class="staff-group staff-attention" aria-labelledby="staff-held-heading" data-testid="health-held">
          <h2 id="staff-held-heading">{t('held.title')}</h2>
          <p class="staff-error" role="alert">
            {t('held.count', { count: health.writes.heldResponses })}
          </p>
          {health.writes.writeFailing && <p class="staff-hint">{t('held.writeFailing')}</p>}
          {health.writes.lastWriteError && (
            <details class="staff-technical">
              <summary>{t('health.technical')}</summary>
              <code>{health.writes.lastWriteError}</code>
            </details>
          )}
          {health.writes.heldResponses > 0 && (
            <>
              <p class="staff-hint">{t('held.hint')}</p>
              <button type="button" class="staff-button staff-primary" onClick={() => void downloadHeld()}>
                {t('held.download')}
              </button>
            </>
          )}
          {heldResult && (
            <p class={heldResult.ok ? 'staff-ok' : 'staff-error'} role={heldResult.ok ? 'status' : 'alert'}>
              {heldResult.text}
            </p>
          )}
        </section>
      )}
      {health && (
        <dl class="staff-facts">
          <div class={health.counts.pending > 0 ? 'staff-fact staff-attention' : 'staff-fact'}>
            <dt>{t('health.queue')}</dt>
            <dd data-testid="health-queue">{responses(health.counts.pending)}</dd>
          </div>
          <div class="staff-fact">
            <dt>{t('health.oldest')}</dt>
            <dd data-testid="health-oldest">
              {health.oldest
                ? `${formatDateTime(language, health.oldest.completedAt)} – ${t('health.oldestAge', { age: durationInWords(at.getTime() - Date.parse(health.oldest.completedAt), t) })}`
                : t('health.oldestNone')}
            </dd>
          </div>
          <div class="staff-fact">
            <dt>{t('health.lastSuccess')}</dt>
            <dd data-testid="health-last-success">
              {lastSuccess
                ? t('health.ago', { time: formatDateTime(language, lastSuccess), age: durationInWords(at.getTime() - Date.parse(lastSuccess), t) })
                : t('health.never')}
            </dd>
          </div>
          <div class={problem ? 'staff-fact staff-attention' : 'staff-fact'}>
            <dt>{t('health.problem')}</dt>
            <dd data-testid="health-problem">
              {problem ? t(`sync.problem.${problem}`, { status: error?.status, detail: error?.detail }) : t('health.noProblem')}
              {status.state === 'waiting-retry' && status.nextRetryAt && <> {t('health.retryAt', { time: formatDateTime(language, status.nextRetryAt) })}</>}
              {problem && technical && (
                <details class="staff-technical">
                  <summary>{t('health.technical')}</summary>
                  <code>{technical}</code>
                </details>
              )}
            </dd>
          </div>
          <div class={health.counts.conflict > 0 ? 'staff-fact staff-attention' : 'staff-fact'}>
            <dt>{t('health.conflicts')}</dt>
            <dd data-testid="health-conflicts">{responses(health.counts.conflict)}</dd>
          </div>
          <div class={health.counts.rejected > 0 ? 'staff-fact staff-attention' : 'staff-fact'}>
            <dt>{t('health.rejected')}</dt>
            <dd data-testid="health-rejected">{responses(health.counts.rejected)}</dd>
          </div>
          <div class="staff-fact">
            <dt>{t('health.sent')}</dt>
            <dd>{responses(health.counts.sent)}</dd>
          </div>
          <div class={health.persistence && !health.persistence.persisted ? 'staff-fact staff-attention' : 'staff-fact'}>
            <dt>{t('health.storage')}</dt>
            <dd data-testid="health-storage">
              {health.persistence ? t(health.persistence.persisted ? 'health.persisted' : 'health.notPersisted') : t('health.persistenceUnknown')}{' '}
              {health.storage.usageBytes !== null && health.storage.quotaBytes !== null
                ? t('health.usage', { used: formatBytes(language, health.storage.usageBytes), quota: formatBytes(language, health.storage.quotaBytes) })
                : t('health.usageUnknown')}
            </dd>
          </div>
          <div class="staff-fact">
            <dt>{t('health.appVersion')}</dt>
            <dd data-testid="health-app-version">{appVersion}</dd>
          </div>
          <div class="staff-fact">
            <dt>{t('health.definition')}</dt>
            <dd data-testid="health-definition">
              {localize(activeDefinition.title, language)} ({definitionKey(activeDefinition.id, activeDefinition.version)})
            </dd>
          </div>
          <div class="staff-fact">
            <dt>{t('health.update')}</dt>
            <dd data-testid="health-update">{t(updates.isWaiting() ? 'health.updateWaiting' : 'health.updateNone')}</dd>
          </div>
        </dl>
      )}
      {health && (
        <section class="staff-alerts" aria-labelledby="staff-alerts-heading">
          <h2 id="staff-alerts-heading">{t('health.alerts')}</h2>
          {health.alerts.length === 0 ? (
            <p class="staff-hint">{t('health.alertsNone')}</p>
          ) : (
            <ul data-testid="health-alerts">
              {health.alerts.map((alert, i) => (
                <li key={`${alert.at}-${i}`}>
                  <strong>{formatDateTime(language, alert.at)}</strong> · {t(`alertKinds.${alert.kind}`, { defaultValue: alert.kind })}:{' '}
                  {/* Alerts are raised on the citizen path, so their keys are in its namespace. */}
                  {t(alert.messageKey, { ns: CITIZEN_NS, defaultValue: t('health.alertOther') })}
                  {alert.detail && (
                    <details class="staff-technical">
                      <summary>{t('health.technical')}</summary>
                      <code>{alert.detail}</code>
                    </details>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </section>
  );
}
