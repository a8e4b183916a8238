"""Static files storage for production: hashed names and compression (whitenoise), source maps optional.

Vendored minified files (Chart.js) reference source maps that are not shipped; Django's manifest storage
would refuse to collect them. Source map comments are left as they are instead of being rewritten.
"""

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns):
    kept = []
    for glob, rules in patterns:
        rules = tuple(
            rule for rule in rules if "sourceMappingURL" not in (rule[0] if isinstance(rule, tuple) else rule)
        )
        kept.append((glob, rules))
    return tuple(kept)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    patterns = _without_source_maps(ManifestStaticFilesStorage.patterns)
