import { addSyncOperations, findSyncOperation, SYNC_OPERATIONS, SyncOperation } from "../operations"

const op: SyncOperation = { kind: "erp", effectKey: (id) => `x:${id}`, externalRef: () => null, run: async () => ({ result: { status: "synced", summary: "ok" } }) }

describe("the operations registry: the hub's own table cannot be changed from outside", () => {
  it("is frozen", () => {
    expect(Object.isFrozen(SYNC_OPERATIONS)).toBe(true)
  })

  it("refuses an added operation under a built-in name", () => {
    expect(() => addSyncOperations({ "order.create": op })).toThrow('Sync operation "order.create" exists already')
    expect(findSyncOperation("order.create")).toBe(SYNC_OPERATIONS["order.create"])
  })

  it("adds beside the table and removes again", () => {
    const remove = addSyncOperations({ "test.thing": op })
    expect(findSyncOperation("test.thing")).toBe(op)
    remove()
    expect(findSyncOperation("test.thing")).toBeUndefined()
  })
})
