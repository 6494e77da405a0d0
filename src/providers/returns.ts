/** What every ERP adapter's returns share. */

/**
 * The code of the permanent error `cancelReturn` answers for a return that is done: its goods are in the ERP's
 * stock, and staff take them out there if they must. A compensation undoing a run's returns leaves such a one as it
 * is (the next run finds it by its reference).
 */
export const RETURN_DONE = "return_done"

export const isReturnDone = (err: unknown): boolean => typeof err === "object" && err !== null && (err as { code?: unknown }).code === RETURN_DONE
