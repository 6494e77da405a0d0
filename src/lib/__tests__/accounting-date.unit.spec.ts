import { accountingDate, dayBounds, isTimeZone } from "../accounting-date"

const HOUR = 3_600_000

describe("accountingDate", () => {
  it.each<[string, string, string]>([
    // Month and year boundaries: 23:30 in New York on New Year's Eve is still the 31st there, already the 1st in UTC.
    ["2026-12-31T23:30:00-05:00", "America/New_York", "2026-12-31"],
    ["2026-12-31T23:30:00-05:00", "UTC", "2027-01-01"],
    ["2027-01-01T04:30:00Z", "America/New_York", "2026-12-31"],
    ["2027-01-01T05:00:00Z", "America/New_York", "2027-01-01"],
    ["2026-04-01T03:59:59.999Z", "America/New_York", "2026-03-31"], // EDT, UTC-4
    ["2026-04-01T04:00:00Z", "America/New_York", "2026-04-01"],
    ["2026-02-28T23:30:00Z", "UTC", "2026-02-28"],
    ["2026-02-28T23:30:00Z", "Europe/Berlin", "2026-03-01"],
    // Around the DST changes.
    ["2026-03-08T04:59:59.999Z", "America/New_York", "2026-03-07"],
    ["2026-03-08T05:00:00Z", "America/New_York", "2026-03-08"],
    ["2026-03-09T03:59:59.999Z", "America/New_York", "2026-03-08"],
    ["2026-03-09T04:00:00Z", "America/New_York", "2026-03-09"],
    ["2026-11-02T04:59:59.999Z", "America/New_York", "2026-11-01"],
    ["2026-10-25T22:30:00Z", "Europe/Berlin", "2026-10-25"], // CET again: 23:30
    ["2026-10-25T23:00:00Z", "Europe/Berlin", "2026-10-26"],
    // Positive offsets: the new day starts before it does in UTC.
    ["2026-12-31T14:59:59.999Z", "Asia/Tokyo", "2026-12-31"],
    ["2026-12-31T15:00:00Z", "Asia/Tokyo", "2027-01-01"],
    ["2026-12-31T09:59:59.999Z", "Pacific/Kiritimati", "2026-12-31"],
    ["2026-12-31T10:00:00Z", "Pacific/Kiritimati", "2027-01-01"],
    ["2026-06-30T10:00:00Z", "Pacific/Kiritimati", "2026-07-01"],
  ])("%s in %s is %s", (instant, timeZone, expected) => {
    expect(accountingDate(instant, timeZone)).toBe(expected)
    expect(accountingDate(new Date(instant), timeZone)).toBe(expected)
  })

  it.each<[string]>([["not a date"], [""]])("refuses %j as an instant", (instant) => {
    expect(() => accountingDate(instant, "UTC")).toThrow(`"${instant}" is not a date and time`)
  })
})

describe("dayBounds", () => {
  it.each<[string, string, string, string, number]>([
    ["2026-12-31", "UTC", "2026-12-31T00:00:00.000Z", "2027-01-01T00:00:00.000Z", 24],
    ["2026-12-31", "America/New_York", "2026-12-31T05:00:00.000Z", "2027-01-01T05:00:00.000Z", 24],
    ["2026-07-15", "America/New_York", "2026-07-15T04:00:00.000Z", "2026-07-16T04:00:00.000Z", 24],
    // DST starts and ends: 23-hour and 25-hour days.
    ["2026-03-08", "America/New_York", "2026-03-08T05:00:00.000Z", "2026-03-09T04:00:00.000Z", 23],
    ["2026-11-01", "America/New_York", "2026-11-01T04:00:00.000Z", "2026-11-02T05:00:00.000Z", 25],
    ["2026-03-29", "Europe/Berlin", "2026-03-28T23:00:00.000Z", "2026-03-29T22:00:00.000Z", 23],
    ["2026-10-25", "Europe/Berlin", "2026-10-24T22:00:00.000Z", "2026-10-25T23:00:00.000Z", 25],
    // Positive offsets.
    ["2027-01-01", "Asia/Tokyo", "2026-12-31T15:00:00.000Z", "2027-01-01T15:00:00.000Z", 24],
    ["2027-01-01", "Pacific/Kiritimati", "2026-12-31T10:00:00.000Z", "2027-01-01T10:00:00.000Z", 24],
    // Cuba moves its clocks at midnight: the day DST starts has no 00:00 and begins at 01:00 (EDT).
    ["2026-03-08", "America/Havana", "2026-03-08T05:00:00.000Z", "2026-03-09T04:00:00.000Z", 23],
  ])("%s in %s runs from %s to %s (%i h)", (day, timeZone, start, end, hours) => {
    const bounds = dayBounds(day, timeZone)
    expect({ start: bounds.start.toISOString(), end: bounds.end.toISOString() }).toEqual({ start, end })
    expect((bounds.end.getTime() - bounds.start.getTime()) / HOUR).toBe(hours)
    // Its first instant is that day there, the one just before is the day before, and its end is the next day.
    expect(accountingDate(bounds.start, timeZone)).toBe(day)
    expect(accountingDate(new Date(bounds.start.getTime() - 1), timeZone)).not.toBe(day)
    expect(accountingDate(new Date(bounds.end.getTime() - 1), timeZone)).toBe(day)
    expect(accountingDate(bounds.end, timeZone)).not.toBe(day)
  })

  it.each<[string]>([["2026-02-30"], ["2026-13-01"], ["26-01-01"], ["2026-1-1"]])("refuses %j as a day", (day) => {
    expect(() => dayBounds(day, "UTC")).toThrow(`"${day}" is not a day (YYYY-MM-DD)`)
  })
})

describe("isTimeZone", () => {
  it.each<[string, boolean]>([
    ["UTC", true],
    ["America/New_York", true],
    ["Europe/Berlin", true],
    ["Pacific/Kiritimati", true],
    ["Mars/Olympus_Mons", false],
    ["EST5EDT-ish", false],
    ["", false],
  ])("%j → %s", (timeZone, expected) => {
    expect(isTimeZone(timeZone)).toBe(expected)
  })
})
