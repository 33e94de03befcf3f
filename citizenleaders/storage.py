from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Compressed files with hashed names, including the modules that
    ``site.js`` imports, so every file can be cached for a year."""

    support_js_module_import_aggregation = True
