import { retryDelayMs } from "../backoff"

const policy = { baseDelayMs: 1_000, maxDelayMs: 60_000 }
/** The largest draw Math.random can return, near enough: the delay lands just under the ceiling. */
const top = () => 0.999999
const bottom = () => 0

describe("retryDelayMs", () => {
  it.each([
    // attempt, expected delay with random≈1 (ceiling - 1)
    [1, 999], // first retry: baseDelayMs is the ceiling
    [2, 1_999],
    [3, 3_999],
    [4, 7_999],
    [5, 15_999],
    [6, 31_999],
    [7, 59_999], // 64 000 capped at maxDelayMs
    [12, 59_999],
  ])("attempt %i has a ceiling that doubles each time, capped: random≈1 gives %i", (attempt, expected) => {
    expect(retryDelayMs(attempt, policy, { random: top })).toBe(expected)
  })

  it.each([0, -3])("treats attempt %i like the first retry", (attempt) => {
    expect(retryDelayMs(attempt, policy, { random: top })).toBe(999)
  })

  it.each([1, 4, 7, 50])("uses full jitter: random=0 gives 0 on attempt %i", (attempt) => {
    expect(retryDelayMs(attempt, policy, { random: bottom })).toBe(0)
  })

  it.each([
    [0.25, 1_000],
    [0.5, 2_000],
    [0.75, 3_000],
  ])("scales the draw linearly over the ceiling: random=%d on attempt 3 gives %i", (draw, expected) => {
    expect(retryDelayMs(3, policy, { random: () => draw })).toBe(expected)
  })

  it.each([
    // random, retryAfterMs, expected: Retry-After is a floor, never above maxDelayMs
    [bottom, 5_000, 5_000],
    [bottom, 0, 0],
    [bottom, 120_000, 60_000],
    [top, 2_000, 3_999], // the jittered delay (attempt 3) is already above the floor
    [top, 10_000, 10_000],
  ])("honours Retry-After as a floor (case %#)", (random, retryAfterMs, expected) => {
    expect(retryDelayMs(3, policy, { random, retryAfterMs })).toBe(expected)
  })

  it.each([1_000, 1_000_000, Number.MAX_SAFE_INTEGER, Infinity])(
    "does not overflow on attempt %d: the delay stays at the cap",
    (attempt) => {
      expect(retryDelayMs(attempt, policy, { random: top })).toBe(59_999)
      expect(retryDelayMs(attempt, policy, { random: bottom })).toBe(0)
    }
  )

  it("stops doubling after 30 doublings even when maxDelayMs would allow more", () => {
    const huge = { baseDelayMs: 1, maxDelayMs: Number.MAX_SAFE_INTEGER }
    expect(retryDelayMs(1_000_000, huge, { random: () => 0.5 })).toBe(2 ** 29)
  })

  it("draws from Math.random when no random is injected, within [0, ceiling)", () => {
    const spy = jest.spyOn(Math, "random").mockReturnValue(0.5)
    try {
      expect(retryDelayMs(2, policy)).toBe(1_000)
      expect(spy).toHaveBeenCalledTimes(1)
    } finally {
      spy.mockRestore()
    }
  })
})
