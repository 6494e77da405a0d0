const { MetadataStorage } = require("@medusajs/framework/mikro-orm/core")

MetadataStorage.clear()

// The tests run the retry job themselves; Medusa's scheduler must not run it in the middle of an assertion:
// once a week, Sunday 03:07. (Not rarer: the in-memory scheduler's setTimeout fires at once for a next run more
// than 24.8 days away, and then again and again.)
process.env.INTEGRATION_HUB_RETRY_SCHEDULE = "7 3 * * 0"
