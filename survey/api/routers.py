"""The API's routers, in the order the schema lists them."""

from survey.api import assessments, campaigns, feeds, frameworks, meta, results

ROUTERS = [
    ("/", meta.router),
    ("/frameworks", frameworks.router),
    ("/campaigns", campaigns.router),
    ("/campaigns", results.router),
    ("/campaigns", assessments.router),
    ("/feeds", feeds.router),
]
