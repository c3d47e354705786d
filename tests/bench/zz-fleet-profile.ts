import { performance } from 'node:perf_hooks';
import { createCollector, openStore, setAdminPassword } from '../../src/collector';
import { loadFleet } from '../../src/collector/staff-pages';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../src/build/definitions';
import { signIn } from '../collector/helpers';
if (process.argv[3] === 'cache') {
  for (const name of ['NumberFormat', 'DateTimeFormat', 'RelativeTimeFormat'] as const) {
    const Original = (Intl as any)[name];
    const cache = new Map<string, unknown>();
    (Intl as any)[name] = function (...args: unknown[]) { const key = JSON.stringify(args); let f = cache.get(key); if (!f) { f = new Original(...args); cache.set(key, f); } return f; };
  }
}
const store = await openStore(process.argv[2]);
await setAdminPassword(store, 'bench-password-fleet');
const app = await createCollector({ store, definitions: loadDefinitionsFromDir(DEFINITIONS_DIR).definitions });
const cookie = await signIn(app, 'bench-password-fleet');
const t = async (name: string, f: () => Promise<unknown>) => { await f(); const s = performance.now(); for (let i = 0; i < 3; i++) await f(); console.log(name, ((performance.now() - s) / 3).toFixed(1)); };
await t('figures', () => store.listFleetFigures!());
await t('loadFleet', () => loadFleet(store, new Date()));
await t('api', () => app.inject({ method: 'GET', url: '/api/v1/admin/fleet', headers: { cookie } }));
await t('page', () => app.inject({ method: 'GET', url: '/admin/fleet', headers: { cookie } }));
const page = await app.inject({ method: 'GET', url: '/admin/fleet', headers: { cookie } });
console.log('page bytes', page.body.length);
await app.close(); await store.close();
