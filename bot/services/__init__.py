"""Use cases: each pipes storage and integrations into the pure core, in one transaction."""
