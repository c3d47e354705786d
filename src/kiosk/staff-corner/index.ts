/**
 * The only part of the staff area on the citizen path: the hidden corner and the lazy loader of the
 * staff screens (their own chunk, with zod and the staff texts).
 */
export { StaffCorner, STAFF_CORNER_PX, STAFF_HOLD_MS, type StaffCornerProps } from './StaffCorner';

/** Loads the staff screens on demand; `const { StaffArea } = await loadStaffArea()`. */
export function loadStaffArea(): Promise<typeof import('../staff/index')> {
  return import('../staff/index');
}
