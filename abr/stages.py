"""The stage apps in data-flow order: each may import only the apps before it (and ``core``).

``dashboards`` reads every stage through their selectors and writes nothing of theirs.
"""

STAGE_APPS = ["core", "targeting", "profiling", "caps", "assistance", "referrals", "monitoring", "dashboards"]
