/** Kiosk devices: registration, one-time tokens (only their hashes stored), rotation, revocation, authentication. */
export * from './devices';
export { bearerToken, hashSecret, mintToken, newDeviceId, parseToken, secretMatches, TOKEN_SECRET_BYTES } from './tokens';
