/** What a sync workflow reports back to the engine, which alone writes it to the sync record. */
export type EffectOutcome =
  | { status: "synced"; external_id?: string | null; external_number?: string | null; summary: string }
  | { status: "skipped"; skip_code: string; summary: string }

