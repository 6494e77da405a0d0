export * from "./sync-order-to-erp"
export * from "./cancel-order-in-erp"
export * from "./steps/record-sync-result"
