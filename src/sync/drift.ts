/** The fixes a drift item may offer: send Medusa's version again, take the other side's, or leave it (with a reason). */
export const DRIFT_FIXES = ["resend", "accept", "ignore"] as const
export type DriftFix = (typeof DRIFT_FIXES)[number]

/** One difference a check found, before it is stored as a drift item of its run. */
export type Drift = { entity_type: string; entity_id: string; kind: string; message: string; details: Record<string, unknown>; fixes: DriftFix[] }

/** What one connection's checks found: how many records they compared, and what differed. */
export type Found = { checked: number; drifts: Drift[] }

/** Medusa records are read for the checks this many at a time. */
export const CHECK_PAGE = 50
