//! GitHub enrichment (`--github`): placeholder, filled in below.
