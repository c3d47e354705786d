/** What `POST /api/v1/admin/imports` answers: the collector writes it, the import page's script reads it. */
export interface ImportSummary {
  kioskId: string;
  exportedAt: string;
  /** The device the responses were credited to, if staff named one. */
  deviceId: string | null;
  total: number;
  created: number;
  duplicate: number;
  conflict: number;
  rejected: number;
  /** Conflicts and rejections in file order, each with its reason (at most MAX_LISTED_PROBLEMS). */
  problems: Array<{ index: number; id: string | null; status: 'conflict' | 'rejected'; reason: string }>;
  /** Problems not listed because of the cap. */
  problemsNotListed: number;
}
