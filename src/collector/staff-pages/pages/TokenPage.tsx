/** @jsxRuntime automatic @jsxImportSource preact */
import { isPlaceCode } from '../../../shared/ids';
import type { DeviceRecord } from '../../stores';
import type { PageContext } from './context';
import { PlaceText } from './DevicesPage';
import { Page } from './Layout';
import { TrustedSvg } from './trusted';

/** Is the link's host this computer only (a tablet could not open it)? */
function isLoopback(link: string): boolean {
  const host = new URL(link).hostname;
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}

/**
 * The page that shows a new token once, with its provisioning link and QR code, the place the link
 * sets, and which codes were suggested from the names (so the clerk sees what was chosen).
 */
export function TokenPage(props: {
  ctx: PageContext;
  device: DeviceRecord;
  token: string;
  link: string;
  qrSvg: string;
  rotated: boolean;
  suggested?: { agencyCode: boolean; counterCode: boolean };
  /** The device's place is not in the unit tree: the warning, in words (issue 11). */
  treeWarning?: string;
}) {
  const { ctx, device, link } = props;
  const { t } = ctx;
  const title = props.rotated ? t('token.titleRotated', { label: device.label }) : t('token.titleNew', { label: device.label });
  return (
    <Page ctx={ctx} title={title} active="devices">
      <p class="warning" role="alert">
        {t('token.once')}
      </p>
      <ol>
        <li>{t('token.step1')}</li>
        <li>{t('token.step2')}</li>
        <li>{t('token.step3')}</li>
      </ol>
      {isLoopback(link) ? <p class="warning">{t('token.loopback')}</p> : null}
      {props.treeWarning ? (
        <p class="warning" role="status">
          {props.treeWarning} <a href="/admin/units">{t('deviceUnits.unitsLink')}</a>
        </p>
      ) : null}
      {/* A device registered under the old code rule: the tablet refuses its link until the place is edited. */}
      {!isPlaceCode(device.agencyCode) || !isPlaceCode(device.counterCode) ? (
        <p class="warning" data-testid="old-codes">
          {t('places.oldCodes')}{' '}
          <a href={`/admin/devices/${device.id}/place`}>{t('places.edit')}</a>
        </p>
      ) : null}
      <dl class="place" data-testid="token-place">
        <dt>{t('places.agencyName')}</dt>
        <dd>
          <PlaceText ctx={ctx} name={device.agencyName} code={device.agencyCode} />
        </dd>
        <dt>{t('places.counterName')}</dt>
        <dd>
          <PlaceText ctx={ctx} name={device.counterName} code={device.counterCode} />
        </dd>
      </dl>
      {props.suggested?.agencyCode ? (
        <p class="note" role="status">
          {t('places.suggested', { code: device.agencyCode, name: device.agencyName })}
        </p>
      ) : null}
      {props.suggested?.counterCode ? (
        <p class="note" role="status">
          {t('places.suggested', { code: device.counterCode, name: device.counterName })}
        </p>
      ) : null}
      <figure class="qr">
        <TrustedSvg markup={props.qrSvg} />
        <figcaption>{t('token.qrCaption')}</figcaption>
      </figure>
      <p>
        <strong>{t('token.link')}:</strong>
        <br />
        <a class="mono" href={link}>
          {link}
        </a>
      </p>
      <p>
        <strong>{t('token.token')}:</strong>
        <br />
        <code>{props.token}</code>
      </p>
      <p class="hint">
        {t('token.device')}: <span class="mono">{device.id}</span> · {device.agencyCode} / {device.counterCode}
      </p>
      <p class="no-print">
        <a class="button secondary" href="/admin/devices">
          {t('token.back')}
        </a>
      </p>
    </Page>
  );
}
