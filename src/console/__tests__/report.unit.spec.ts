import { monthBounds, previousMonth } from "../report"

describe("report periods", () => {
  it("takes a month as the store's calendar has it", () => {
    expect(monthBounds("2026-11", "UTC")).toEqual({ from: new Date("2026-11-01T00:00:00Z"), to: new Date("2026-12-01T00:00:00Z") })
    // New York: November starts on daylight time (UTC−4) and ends on standard time (UTC−5).
    expect(monthBounds("2026-11", "America/New_York")).toEqual({ from: new Date("2026-11-01T04:00:00Z"), to: new Date("2026-12-01T05:00:00Z") })
    expect(monthBounds("2026-12", "Europe/Berlin")).toEqual({ from: new Date("2026-11-30T23:00:00Z"), to: new Date("2026-12-31T23:00:00Z") })
  })

  it("knows the month before, in the zone (New York is still in December when UTC is in January)", () => {
    expect(previousMonth(new Date("2027-01-01T03:00:00Z"), "America/New_York")).toBe("2026-11")
    expect(previousMonth(new Date("2027-01-01T03:00:00Z"), "UTC")).toBe("2026-12")
    expect(previousMonth(new Date("2026-03-15T12:00:00Z"), "Asia/Tokyo")).toBe("2026-02")
  })
})
