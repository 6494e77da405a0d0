/** What a sync workflow reports back to the engine, which alone writes it to the sync record. */
export type EffectOutcome =
  /** `linked`: the effect was found done in the other system (a legacy integration's sale) and linked, not made. */
  | { status: "synced"; external_id?: string | null; external_number?: string | null; summary: string; linked?: boolean }
  | { status: "skipped"; skip_code: string; summary: string }

