/** The kiosk's settings: their type and defaults (the zod schema that checks them is in ../schemas). */
export * from './defaults';
