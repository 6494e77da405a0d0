import type { BucketFigures } from "../../modules/integration-hub/health-history"
import { incidentsOf, pointsOf } from "../history"

const T0 = Date.parse("2026-12-07T10:00:00Z")
const at = (minutes: number) => new Date(T0 + minutes * 60_000)
const bucket = (minutes: number, patch: Partial<BucketFigures> = {}): BucketFigures => ({
  start: at(minutes), calls: 10, errors: 0, vendor_errors: 0, throttled: 0, successes: 10, duration_ms_max: 80,
  latency_bins: [5, 5, 0, 0, 0, 0, 0, 0, 0, 0], waiting: null, circuit: null, ...patch,
})
const down = (minutes: number, patch: Partial<BucketFigures> = {}) => bucket(minutes, { successes: 0, errors: 4, vendor_errors: 4, calls: 4, ...patch })

describe("incidentsOf", () => {
  it("joins consecutive down buckets into one incident, from the first's start to the last's end, newest first", () => {
    const incidents = incidentsOf([bucket(0), down(5), down(10), down(15), bucket(20), down(40), bucket(45)])
    expect(incidents).toEqual([
      { kind: "outage", start: at(40), end: at(45), duration_ms: 5 * 60_000, buckets: 1 },
      { kind: "outage", start: at(5), end: at(20), duration_ms: 15 * 60_000, buckets: 3 },
    ])
  })

  it("calls a run with the circuit seen open a circuit-open span, even with no call in it", () => {
    const incidents = incidentsOf([down(0), bucket(5, { calls: 0, successes: 0, latency_bins: new Array(10).fill(0), circuit: "open" }), bucket(10)])
    expect(incidents).toEqual([{ kind: "circuit_open", start: at(0), end: at(10), duration_ms: 10 * 60_000, buckets: 2 }])
  })

  it("does not count failures the data caused, nor a bucket that also had a success", () => {
    expect(incidentsOf([bucket(0, { successes: 0, errors: 3, calls: 3, vendor_errors: 0 }), bucket(5, { successes: 1, errors: 3, vendor_errors: 3 })])).toEqual([])
  })

  it("reads buckets in any order", () => {
    expect(incidentsOf([down(10), down(5)])).toEqual([{ kind: "outage", start: at(5), end: at(15), duration_ms: 10 * 60_000, buckets: 2 }])
  })
})

describe("pointsOf", () => {
  it("gathers buckets into steps, every step present, with the step's p95, most waiting and whether it was down", () => {
    const points = pointsOf([bucket(0, { waiting: 3 }), down(5, { waiting: 7, latency_bins: [0, 0, 0, 0, 0, 0, 0, 4, 0, 0], duration_ms_max: 9000 }), bucket(70)], at(0), at(180), 3600_000)
    expect(points).toHaveLength(3)
    expect(points[0]).toMatchObject({ t: at(0), calls: 14, errors: 4, throttled: 0, waiting: 7, down: true })
    // 14 calls: 5 ≤ 50 ms, 5 ≤ 100, 4 ≤ 10 s with the longest 9 s: rank 13.3 is 3.3 of 4 into 5 s – 9 s.
    expect(points[0].p95_ms).toBe(8300)
    expect(points[1]).toMatchObject({ t: at(60), calls: 10, waiting: null, down: false, p95_ms: 77 })
    expect(points[2]).toEqual({ t: at(120), calls: 0, errors: 0, throttled: 0, p95_ms: null, waiting: null, down: false })
  })
})
