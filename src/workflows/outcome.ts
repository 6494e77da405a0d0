/** What a sync workflow reports back to the engine, which alone writes it to the sync record. */
export type EffectOutcome =
  | { status: "synced"; external_id?: string | null; external_number?: string | null; summary: string }
  | { status: "skipped"; skip_code: string; summary: string }

/** Input every sync workflow gets from the engine. */
export type EffectRunInput = {
  sync_record_id: string
  connection_id: string
  entity_id: string
}
