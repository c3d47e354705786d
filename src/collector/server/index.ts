/** The collector's HTTP app: the batch endpoint, health, device status, staff side and kiosk files. */
export { createCollector, DEVICE_SELF_PATH, type CollectorOptions } from './app';
