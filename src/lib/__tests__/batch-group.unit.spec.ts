import { AsyncLocalStorage } from "node:async_hooks"
import { joinBatch, runAsBatchGroup } from "../batch-group"

/** A flush that records each batch it was given and answers every input with its double. */
function doubler() {
  const batches: number[][] = []
  const flush = async (inputs: number[]) => {
    batches.push([...inputs])
    return inputs.map((n) => n * 2)
  }
  return { batches, flush }
}

/** Lets `n` turns of the event loop pass, so runs reach their call at different moments. */
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r))
}

describe("batch groups", () => {
  it("outside a group a call is a batch of one", async () => {
    const { batches, flush } = doubler()
    expect(await joinBatch("k", 4, flush)).toBe(8)
    expect(batches).toEqual([[4]])
  })

  it("runs that reach the call at different moments share one call, each with its own answer", async () => {
    const { batches, flush } = doubler()
    const answers: number[] = []
    await runAsBatchGroup([1, 2, 3, 4, 5].map((n) => async () => {
      await turns(6 - n)
      answers[n] = await joinBatch("k", n, flush)
    }))
    expect(batches).toHaveLength(1)
    expect([...batches[0]].sort()).toEqual([1, 2, 3, 4, 5])
    expect(answers.slice(1)).toEqual([2, 4, 6, 8, 10])
  })

  it("a run that ends without calling does not hold the others back", async () => {
    const { batches, flush } = doubler()
    await runAsBatchGroup([
      async () => void (await joinBatch("k", 1, flush)),
      async () => turns(20),
      async () => {
        throw new Error("this run failed before its call")
      },
      async () => void (await joinBatch("k", 2, flush)),
    ].map((run) => () => run().catch(() => undefined)))
    expect(batches).toEqual([[1, 2]])
  })

  it("an Error answer fails its input only; a throw fails every input of the batch", async () => {
    const outcomes: string[] = []
    const picky = async (inputs: number[]) => inputs.map((n) => (n === 2 ? new Error(`no ${n}`) : n))
    await runAsBatchGroup([1, 2, 3].map((n) => async () => {
      outcomes.push(await joinBatch("k", n, picky).then((v) => `ok ${v}`, (e: Error) => e.message))
    }))
    expect(outcomes.sort()).toEqual(["no 2", "ok 1", "ok 3"])

    const failed: string[] = []
    const down = async (): Promise<number[]> => {
      throw new Error("down")
    }
    await runAsBatchGroup([1, 2].map((n) => async () => {
      failed.push(await joinBatch("k", n, down).then(String, (e: Error) => e.message))
    }))
    expect(failed).toEqual(["down", "down"])
  })

  it("a batch is at most `max` inputs, and a run that calls again joins the next batch", async () => {
    const { batches, flush } = doubler()
    await runAsBatchGroup([1, 2, 3, 4, 5].map((n) => async () => {
      await joinBatch("k", n, flush, 2)
      await joinBatch("k", n * 10, flush, 2)
    }))
    expect(batches.flat().sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 10, 20, 30, 40, 50])
    expect(batches.every((b) => b.length <= 2)).toBe(true)
  })

  it("different keys are different batches", async () => {
    const a = doubler()
    const b = doubler()
    await runAsBatchGroup([1, 2, 3, 4].map((n) => async () => void (await joinBatch(n % 2 ? "a" : "b", n, n % 2 ? a.flush : b.flush))))
    expect(a.batches).toEqual([[1, 3]])
    expect(b.batches).toEqual([[2, 4]])
  })

  it("the shared call runs in the context of the run that got there first", async () => {
    const ctx = new AsyncLocalStorage<string>()
    const seenIn: Array<string | undefined> = []
    const flush = async (inputs: number[]) => {
      seenIn.push(ctx.getStore())
      return inputs
    }
    await runAsBatchGroup(["first", "second"].map((name, i) => () => ctx.run(name, async () => {
      await turns(i * 3)
      await joinBatch("k", i, flush)
    })))
    expect(seenIn).toEqual(["first"])
  })
})
