/** @jsxRuntime automatic @jsxImportSource preact */
import type { DeviceRecord } from '../../stores';
import type { PageContext } from './context';
import { Page } from './Layout';
import { TrustedSvg } from './trusted';

/** Is the link's host this computer only (a tablet could not open it)? */
function isLoopback(link: string): boolean {
  const host = new URL(link).hostname;
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}

/** The page that shows a new token once, with its provisioning link and QR code. */
export function TokenPage(props: { ctx: PageContext; device: DeviceRecord; token: string; link: string; qrSvg: string; rotated: boolean }) {
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
