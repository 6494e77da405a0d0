import { readAndShare, shareReads, takeSharedRead } from "../shared-reads"

describe("shared reads", () => {
  it("hands a read made in a scope to the one later caller asking for the same key, then reads afresh", async () => {
    let reads = 0
    const read = async () => ({ n: ++reads })
    await shareReads(async () => {
      const made = await readAndShare("order|id|o1", read)
      expect(made).toEqual({ n: 1 })
      await expect(takeSharedRead("order|id|o1")).resolves.toBe(made)
      // Taken once: a second run of the same scope must see what the order says now.
      expect(takeSharedRead("order|id|o1")).toBeNull()
      expect(takeSharedRead("order|id|o2")).toBeNull()
    })
    expect(reads).toBe(1)
  })

  it("shares nothing outside a scope, nor between two scopes", async () => {
    await readAndShare("k", async () => 1)
    expect(takeSharedRead("k")).toBeNull()
    await shareReads(async () => void (await readAndShare("k", async () => 2)))
    await shareReads(async () => expect(takeSharedRead("k")).toBeNull())
  })

  it("does not hand on a read that failed", async () => {
    await shareReads(async () => {
      await expect(readAndShare("k", async () => Promise.reject(new Error("database gone")))).rejects.toThrow("database gone")
      expect(takeSharedRead("k")).toBeNull()
    })
  })
})
