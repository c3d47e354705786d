/** The collector's HTTP app: the batch endpoint, health, device status, staff side and kiosk files. */
export { createCollector, DEVICE_SELF_PATH, ERROR_CODES, UNAUTHORIZED_MESSAGE, type CollectorOptions } from './app';
