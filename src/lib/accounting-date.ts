/**
 * Calendar dates in the store's time zone: the day an ERP books a document on is the store's day, not UTC's
 * (an order placed at 23:30 in New York on the 31st belongs to the 31st and to that month's period).
 */

const formatters = new Map<string, Intl.DateTimeFormat>()

/** One formatter per zone (building one is the slow part); throws RangeError for an unknown zone. */
function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone, calendar: "gregory", numberingSystem: "latn", year: "numeric", month: "2-digit", day: "2-digit" })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/** True when Intl knows the zone, e.g. "America/New_York" or "UTC". */
export function isTimeZone(timeZone: string): boolean {
  if (!timeZone) return false
  try {
    formatterOf(timeZone)
    return true
  } catch {
    return false
  }
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone (an IANA name, e.g. "America/New_York"). */
export function accountingDate(instant: Date | string, timeZone: string): string {
  const at = typeof instant === "string" ? new Date(instant) : instant
  if (Number.isNaN(at.getTime())) throw new Error(`"${String(instant)}" is not a date and time`)
  const parts = formatterOf(timeZone).formatToParts(at)
  const part = (type: "year" | "month" | "day") => parts.find((p) => p.type === type)!.value
  return `${part("year").padStart(4, "0")}-${part("month")}-${part("day")}`
}

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/

function parseDay(day: string): number {
  const m = DAY_RE.exec(day)
  const midnight = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN
  if (!m || new Date(midnight).toISOString().slice(0, 10) !== day) throw new Error(`"${day}" is not a day (YYYY-MM-DD)`)
  return midnight
}

// No zone is more than 14 hours from UTC: a day's first instant lies within this far of its UTC midnight.
const WIDEST_OFFSET_MS = 15 * 3_600_000

/**
 * The first instant whose date in the zone is `day` or later. Found by bisection over the instants near the
 * day's UTC midnight, so it is right whatever the zone does that night (a DST change at midnight, where the
 * day starts at 01:00, included) without computing offsets.
 */
function startOf(day: string, timeZone: string): number {
  const midnight = parseDay(day)
  let before = midnight - WIDEST_OFFSET_MS // still an earlier day in every zone
  let from = midnight + WIDEST_OFFSET_MS // already this day (or later) in every zone
  while (from - before > 1) {
    const mid = Math.floor((before + from) / 2)
    if (accountingDate(new Date(mid), timeZone) >= day) from = mid
    else before = mid
  }
  return from
}

/**
 * Where a calendar day of the zone starts and ends, as UTC instants: `start` is its first instant, `end` the first
 * instant of the next day (exclusive). A day DST starts on is 23 hours long, one it ends on 25.
 */
export function dayBounds(day: string, timeZone: string): { start: Date; end: Date } {
  const next = new Date(parseDay(day) + 86_400_000).toISOString().slice(0, 10)
  return { start: new Date(startOf(day, timeZone)), end: new Date(startOf(next, timeZone)) }
}
