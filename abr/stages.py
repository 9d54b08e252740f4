"""The stage apps in data-flow order: each may import only the apps before it (and ``core``)."""

STAGE_APPS = ["core", "targeting", "profiling", "caps", "assistance", "referrals", "monitoring"]
